package dev.lanterne.explain.gradient;

import dev.lanterne.explain.LanternModel;
import dev.lanterne.runtime.CamModel;

/**
 * EigenCAM (Muhammad and Yeasin 2020): the projection of the activation (positions x channels, centred
 * per channel) on its first principal component; class-agnostic, no gradient used. As
 * pytorch-grad-cam's {@code EigenCAM}, except that the sign of the component is fixed (see
 * {@link PrincipalComponent}) instead of left to the SVD routine.
 */
public final class EigenCam extends CamMethod {
  /** The method name in titles and explanations.json. */
  public static final String METHOD = "eigencam";

  /** On a bare Grad-CAM session. */
  public EigenCam(CamModel model, Scoring scoring) {
    super(model, scoring);
  }

  /** At the model's default layer (the map feeding the last global pooling). */
  public EigenCam(LanternModel model) {
    this(model, null);
  }

  /** At a layer (null: the default). */
  public EigenCam(LanternModel model, String layer) {
    this(model, layer, Options.DEFAULT);
  }

  /** At a layer, with options. */
  public EigenCam(LanternModel model, String layer, Options options) {
    super(model, layer, options);
  }

  @Override
  public String method() {
    return METHOD;
  }

  @Override
  protected float[] contributions(LayerValues v) {
    return java.util.Arrays.copyOfRange(v.activation(), v.offset(), v.offset() + v.channels() * v.plane());
  }

  @Override
  protected boolean alwaysProjects() {
    return true;
  }
}
