package dev.lanterne.methods;

import dev.lanterne.explain.LanternModel;
import dev.lanterne.explain.Setting;
import dev.lanterne.explain.Settings;
import dev.lanterne.explain.gradient.AblationCam;
import dev.lanterne.explain.gradient.CamLayers;
import dev.lanterne.explain.gradient.CamMethod;
import dev.lanterne.explain.gradient.EigenCam;
import dev.lanterne.explain.gradient.GradCam;
import dev.lanterne.explain.gradient.GradCamPlusPlus;
import dev.lanterne.explain.gradient.HiResCam;
import dev.lanterne.explain.gradient.LayerCam;
import dev.lanterne.explain.gradient.ScoreCam;
import dev.lanterne.explain.gradient.XGradCam;
import java.util.ArrayList;
import java.util.List;

/**
 * The CAM family in the registry (pytorch-grad-cam's methods): each reads the layer (a comma-separated
 * list averages several layers), {@code aug-smooth} and {@code eigen-smooth}.
 */
final class CamMethods {
  /** pytorch-grad-cam's aug_smooth. */
  static final Setting<Boolean> AUG_SMOOTH = Setting.flag("aug-smooth",
      "CAM: test-time augmentation (flips x input scaled 0.9/1/1.1), maps averaged");
  /** pytorch-grad-cam's eigen_smooth. */
  static final Setting<Boolean> EIGEN_SMOOTH = Setting.flag("eigen-smooth",
      "CAM: first principal component of the weighted activations instead of their sum");

  private CamMethods() {}

  private interface Opener {
    CamMethod open(LanternModel model, String layer, CamMethod.Options options);
  }

  static void addAll(Methods m) {
    add(m, "gradcam", "Grad-CAM (mean gradient per channel)", GradCam::new);
    add(m, "gradcam++", "Grad-CAM++ (positive gradients, second-order weights)", GradCamPlusPlus::new);
    add(m, XGradCam.METHOD, "XGrad-CAM (activation-weighted gradient per channel)", XGradCam::new);
    add(m, HiResCam.METHOD, "HiResCAM (element-wise gradient x activation)", HiResCam::new);
    add(m, LayerCam.METHOD, "LayerCAM (element-wise positive gradient x activation; shallow layers too)",
        LayerCam::new);
    add(m, EigenCam.METHOD, "EigenCAM (first principal component of the activation; class-agnostic)",
        EigenCam::new);
    add(m, ScoreCam.METHOD, "Score-CAM (class probability of the input masked by each channel)", ScoreCam::new);
    add(m, AblationCam.METHOD, "Ablation-CAM (score drop when each channel is zeroed)", AblationCam::new);
  }

  private static void add(Methods m, String name, String summary, Opener opener) {
    m.add(new MethodInfo(name, "cam", summary, List.of(Methods.LAYER, AUG_SMOOTH, EIGEN_SMOOTH),
        (model, s) -> open(model, s, opener)));
  }

  private static CamLayers open(LanternModel model, Settings s, Opener opener) {
    CamMethod.Options options = CamMethod.Options.DEFAULT.withAugSmooth(s.get(AUG_SMOOTH))
        .withEigenSmooth(s.get(EIGEN_SMOOTH));
    List<CamMethod> layers = new ArrayList<>();
    for (String layer : layers(s.get(Methods.LAYER))) {
      layers.add(opener.open(model, layer, options));
    }
    return new CamLayers(layers);
  }

  /** The layers of a comma-separated list; one null (the default layer) when none is given. */
  static List<String> layers(String list) {
    List<String> out = new ArrayList<>();
    if (list != null) {
      for (String l : list.split(",")) {
        if (!l.isBlank()) {
          out.add(l.strip());
        }
      }
    }
    if (out.isEmpty()) {
      out.add(null);
    }
    return out;
  }
}
