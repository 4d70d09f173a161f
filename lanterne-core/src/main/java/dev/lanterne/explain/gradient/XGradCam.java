package dev.lanterne.explain.gradient;

import dev.lanterne.explain.LanternModel;
import dev.lanterne.runtime.CamModel;

/**
 * XGrad-CAM (Fu et al. 2020), as pytorch-grad-cam: {@code w_k = sum_ij A_kij dA_kij / sum_ij A_kij}.
 * pytorch-grad-cam adds an absolute 1e-7 to the denominator; here a channel whose activations sum to
 * exactly 0 gets weight 0 and no epsilon is added (activations can be far below 1e-7 in scale).
 */
public final class XGradCam extends CamMethod {
  /** The method name in titles and explanations.json. */
  public static final String METHOD = "xgradcam";

  /** On a bare Grad-CAM session. */
  public XGradCam(CamModel model, Scoring scoring) {
    super(model, scoring);
  }

  /** At the model's default layer (the map feeding the last global pooling). */
  public XGradCam(LanternModel model) {
    this(model, null);
  }

  /** At a layer (null: the default). */
  public XGradCam(LanternModel model, String layer) {
    this(model, layer, Options.DEFAULT);
  }

  /** At a layer, with options. */
  public XGradCam(LanternModel model, String layer, Options options) {
    super(model, layer, options);
  }

  @Override
  public String method() {
    return METHOD;
  }

  @Override
  protected float[] weights(float[] activation, float[] gradient, int offset, int channels, int plane) {
    return weightsOf(activation, gradient, offset, channels, plane);
  }

  /** The XGrad-CAM weights of one image (a pure function of A and dA). */
  static float[] weightsOf(float[] activation, float[] gradient, int offset, int channels, int plane) {
    float[] w = new float[channels];
    for (int k = 0; k < channels; k++) {
      int base = offset + k * plane;
      double sumA = 0;
      double sumAg = 0;
      for (int p = 0; p < plane; p++) {
        sumA += activation[base + p];
        sumAg += (double) activation[base + p] * gradient[base + p];
      }
      w[k] = sumA == 0 ? 0f : (float) (sumAg / sumA);
    }
    return w;
  }
}
