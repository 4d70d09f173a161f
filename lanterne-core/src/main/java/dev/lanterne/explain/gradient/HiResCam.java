package dev.lanterne.explain.gradient;

import dev.lanterne.explain.LanternModel;
import dev.lanterne.runtime.CamModel;

/**
 * HiResCAM (Draelos and Carin 2020): the element-wise product of gradient and activation summed over
 * the channels, {@code cam = ReLU(sum_k dA_k * A_k)}, with no spatial pooling of the gradient (so the
 * map is exactly the layer part of gradient x input, faithful to the score for linear heads). Matches
 * pytorch-grad-cam's {@code HiResCAM}.
 */
public final class HiResCam extends CamMethod {
  /** The method name in titles and explanations.json. */
  public static final String METHOD = "hirescam";

  /** On a bare Grad-CAM session. */
  public HiResCam(CamModel model, Scoring scoring) {
    super(model, scoring);
  }

  /** At the model's default layer (the map feeding the last global pooling). */
  public HiResCam(LanternModel model) {
    this(model, null);
  }

  /** At a layer (null: the default). */
  public HiResCam(LanternModel model, String layer) {
    this(model, layer, Options.DEFAULT);
  }

  /** At a layer, with options. */
  public HiResCam(LanternModel model, String layer, Options options) {
    super(model, layer, options);
  }

  @Override
  public String method() {
    return METHOD;
  }

  @Override
  protected float[] contributions(LayerValues v) {
    return elementwise(v.activation(), v.gradient(), v.offset(), v.channels() * v.plane(), false);
  }

  /** {@code A * dA} (or {@code A * ReLU(dA)}) of one image, [channels * plane]. */
  static float[] elementwise(float[] activation, float[] gradient, int offset, int size, boolean positiveGradient) {
    float[] out = new float[size];
    for (int i = 0; i < size; i++) {
      float g = gradient[offset + i];
      out[i] = activation[offset + i] * (positiveGradient ? Math.max(g, 0f) : g);
    }
    return out;
  }
}
