package dev.lanterne.explain.gradient;

import dev.lanterne.explain.LanternModel;
import dev.lanterne.runtime.CamModel;

/**
 * LayerCAM (Jiang et al. 2021): each position weighted by its own positive gradient,
 * {@code cam = ReLU(sum_k ReLU(dA_k) * A_k)}; useful at shallow layers, where the spatial mean of the
 * gradient (Grad-CAM) cancels out. Matches pytorch-grad-cam's {@code LayerCAM}.
 */
public final class LayerCam extends CamMethod {
  /** The method name in titles and explanations.json. */
  public static final String METHOD = "layercam";

  /** On a bare Grad-CAM session. */
  public LayerCam(CamModel model, Scoring scoring) {
    super(model, scoring);
  }

  /** At the model's default layer (the map feeding the last global pooling). */
  public LayerCam(LanternModel model) {
    this(model, null);
  }

  /** At a layer (null: the default). */
  public LayerCam(LanternModel model, String layer) {
    this(model, layer, Options.DEFAULT);
  }

  /** At a layer, with options. */
  public LayerCam(LanternModel model, String layer, Options options) {
    super(model, layer, options);
  }

  @Override
  public String method() {
    return METHOD;
  }

  @Override
  protected float[] contributions(LayerValues v) {
    return HiResCam.elementwise(v.activation(), v.gradient(), v.offset(), v.channels() * v.plane(), true);
  }
}
