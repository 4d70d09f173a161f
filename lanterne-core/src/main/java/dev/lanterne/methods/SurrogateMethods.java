package dev.lanterne.methods;

import dev.lanterne.explain.LanternModel;
import dev.lanterne.explain.Setting;
import dev.lanterne.explain.Settings;
import dev.lanterne.explain.perturbation.Fill;
import dev.lanterne.explain.surrogate.ExtremalOptions;
import dev.lanterne.explain.surrogate.ExtremalPerturbation;
import dev.lanterne.explain.surrogate.FeatureAblation;
import dev.lanterne.explain.surrogate.KernelShap;
import dev.lanterne.explain.surrogate.Lime;
import dev.lanterne.explain.surrogate.Slic;
import dev.lanterne.explain.surrogate.SurrogateOptions;
import dev.lanterne.explain.surrogate.WeightedLinearFit;
import java.util.List;

/** The segment methods (LIME, KernelSHAP, feature ablation) and extremal perturbation, by name. */
final class SurrogateMethods {
  /** SLIC's number of segments. */
  static final Setting<Integer> SEGMENTS = Setting.integer("segments",
      "LIME/KernelSHAP/ablation: SLIC superpixels (scikit-image's n_segments)", Slic.DEFAULTS.nSegments(), 1, 100_000);
  /** SLIC's compactness. */
  static final Setting<Double> COMPACTNESS = Setting.real("compactness",
      "LIME/KernelSHAP/ablation: SLIC compactness (larger: squarer superpixels)", Slic.DEFAULTS.compactness(),
      1e-3, 1e6);
  /** Coalitions sampled by LIME and KernelSHAP. */
  static final Setting<Integer> COALITIONS = Setting.integer("coalitions",
      "LIME/KernelSHAP: perturbed images scored (Captum's n_samples)", SurrogateOptions.LIME.samples(), 2,
      10_000_000);
  /** LIME's surrogate. */
  static final Setting<String> SURROGATE = Setting.choice("surrogate",
      "LIME: the weighted linear surrogate (ridge: the lime package's; lasso: Captum's)", "ridge",
      List.of("ridge", "lasso"));
  /** The surrogate's penalty weight. */
  static final Setting<Double> ALPHA = new Setting<>("alpha", "X",
      "LIME: surrogate penalty weight (default: ridge 1, lasso 0.01)", null,
      Setting.real("alpha", "", 0, 0, 1e9).parser());
  /** Extremal perturbation's area. */
  static final Setting<Double> AREA = Setting.real("area", "extremal: fraction of the image the mask keeps",
      ExtremalOptions.DEFAULTS.area(), 1e-3, 0.999);
  /** Extremal perturbation's iterations. */
  static final Setting<Integer> ITERATIONS = Setting.integer("iterations", "extremal: optimisation steps",
      ExtremalOptions.DEFAULTS.iterations(), 1, 1_000_000);

  private SurrogateMethods() {}

  static void addAll(Methods m) {
    m.add(new MethodInfo(Lime.METHOD, "perturbation", "LIME over SLIC superpixels (weighted ridge surrogate)",
        List.of(SEGMENTS, COMPACTNESS, COALITIONS, SURROGATE, ALPHA, Methods.FILL), (model, s) -> {
          WeightedLinearFit.Regularizer r = WeightedLinearFit.Regularizer.parse(s.get(SURROGATE));
          double alpha = s.has(ALPHA) ? s.get(ALPHA) : r == WeightedLinearFit.Regularizer.LASSO ? 0.01 : 1.0;
          return new Lime(model, options(SurrogateOptions.LIME, model, s).withFit(new WeightedLinearFit(r, alpha)));
        }));
    m.add(new MethodInfo(KernelShap.METHOD, "perturbation", "KernelSHAP over SLIC superpixels",
        List.of(SEGMENTS, COMPACTNESS, COALITIONS, Methods.FILL),
        (model, s) -> new KernelShap(model, options(SurrogateOptions.KERNEL_SHAP, model, s))));
    m.add(new MethodInfo(FeatureAblation.METHOD, "perturbation", "feature ablation over SLIC superpixels",
        List.of(SEGMENTS, COMPACTNESS, Methods.FILL),
        (model, s) -> new FeatureAblation(model, options(SurrogateOptions.ABLATION, model, s))));
    m.add(new MethodInfo(ExtremalPerturbation.METHOD, "perturbation",
        "extremal perturbation (TorchRay: smooth mask of a fixed area, blur)", List.of(AREA, ITERATIONS),
        (model, s) -> new ExtremalPerturbation(model, ExtremalOptions.DEFAULTS.withArea(s.get(AREA))
            .withIterations(s.get(ITERATIONS)))));
  }

  private static SurrogateOptions options(SurrogateOptions d, LanternModel model, Settings s) {
    return d.withSlic(Slic.DEFAULTS.withSegments(s.get(SEGMENTS)).withCompactness(s.get(COMPACTNESS)))
        .withSamples(s.get(COALITIONS)).withFill(s.has(Methods.FILL) ? Fill.parse(s.get(Methods.FILL)) : d.fill())
        .withSeed(s.seed()).withBatch(model.runtime().maxBatch());
  }
}
