package dev.lanterne.explain.gradient;

import dev.lanterne.runtime.CamModel;

/** Grad-CAM (Selvaraju et al. 2017): channel weights are the spatial mean of the gradient dA. */
public final class GradCam extends CamMethod {
  /** On a bare Grad-CAM session. */
  public GradCam(CamModel model, Scoring scoring) {
    super(model, scoring);
  }

  /** At the model's default layer (the map feeding the last global pooling). */
  public GradCam(dev.lanterne.explain.LanternModel model) {
    this(model, null);
  }

  /** At a layer (null: the default). */
  public GradCam(dev.lanterne.explain.LanternModel model, String layer) {
    this(model, layer, Options.DEFAULT);
  }

  /** At a layer, with options. */
  public GradCam(dev.lanterne.explain.LanternModel model, String layer, Options options) {
    super(model, layer, options);
  }

  @Override
  public String method() {
    return "gradcam";
  }

  @Override
  protected float[] weights(float[] activation, float[] gradient, int offset, int channels, int plane) {
    float[] w = new float[channels];
    for (int k = 0; k < channels; k++) {
      double sum = 0;
      int base = offset + k * plane;
      for (int p = 0; p < plane; p++) {
        sum += gradient[base + p];
      }
      w[k] = (float) (sum / plane);
    }
    return w;
  }
}
