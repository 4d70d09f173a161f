package dev.lanterne.explain.gradient;

import dev.lanterne.runtime.CamModel;

/**
 * Grad-CAM++ (Chattopadhay et al. 2018), with pytorch-grad-cam's closed form: per position
 * {@code a = g^2 / (2 g^2 + S g^3)} where S is the channel's activation sum (0 where g = 0), and
 * {@code w_k = sum_positions a * ReLU(g)}. pytorch-grad-cam adds an absolute 1e-6 to the denominator;
 * here the guard is relative to g^2, since gradients of real models can be far below 1e-3, where an
 * absolute epsilon would dominate.
 */
public final class GradCamPlusPlus extends CamMethod {
  private static final double RELATIVE_EPS = 1e-6;

  /** On a bare Grad-CAM session. */
  public GradCamPlusPlus(CamModel model, Scoring scoring) {
    super(model, scoring);
  }

  /** At the model's default layer (the map feeding the last global pooling). */
  public GradCamPlusPlus(dev.lanterne.explain.LanternModel model) {
    this(model, null);
  }

  /** At a layer (null: the default). */
  public GradCamPlusPlus(dev.lanterne.explain.LanternModel model, String layer) {
    this(model, layer, Options.DEFAULT);
  }

  /** At a layer, with options. */
  public GradCamPlusPlus(dev.lanterne.explain.LanternModel model, String layer, Options options) {
    super(model, layer, options);
  }

  @Override
  public String method() {
    return "gradcam++";
  }

  @Override
  protected float[] weights(float[] activation, float[] gradient, int offset, int channels, int plane) {
    float[] w = new float[channels];
    for (int k = 0; k < channels; k++) {
      int base = offset + k * plane;
      double activationSum = 0;
      for (int p = 0; p < plane; p++) {
        activationSum += activation[base + p];
      }
      double sum = 0;
      for (int p = 0; p < plane; p++) {
        double g = gradient[base + p];
        if (g > 0) {
          // g^2 / (2 g^2 + S g^3 + eps g^2) = 1 / (2 + S g + eps)
          double denominator = 2 + activationSum * g + RELATIVE_EPS;
          if (denominator != 0) {
            sum += g / denominator;
          }
        }
      }
      w[k] = (float) sum;
    }
    return w;
  }
}
