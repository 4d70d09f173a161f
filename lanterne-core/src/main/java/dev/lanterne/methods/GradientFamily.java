package dev.lanterne.methods;

import dev.lanterne.explain.NoiseTunnel;
import dev.lanterne.explain.Setting;
import dev.lanterne.explain.Settings;
import dev.lanterne.explain.gradient.Baseline;
import dev.lanterne.explain.gradient.ChannelReduction;
import dev.lanterne.explain.gradient.DeepLift;
import dev.lanterne.explain.gradient.GradientShap;
import dev.lanterne.explain.gradient.Saliency;
import dev.lanterne.grad.Variant;
import java.util.ArrayList;
import java.util.List;

/**
 * The gradient family beyond saliency and Integrated Gradients in the registry: guided
 * backpropagation, deconvnet, LRP (epsilon and z+), DeepLift and GradientSHAP.
 */
final class GradientFamily {
  /** GradientSHAP's baseline distribution. */
  static final Setting<String> BASELINES = Setting.text("baselines", "KINDS",
      "GradientSHAP: baseline kinds drawn uniformly per sample, comma-separated (black, blur, noise)", "black,noise");

  private GradientFamily() {}

  static void addAll(Methods m) {
    m.add(new MethodInfo("guided-backprop", "gradient", "guided backpropagation (positive gradients through ReLUs)",
        List.of(Methods.REDUCE, Methods.SIGNED), (model, s) -> new Saliency(model, saliency(s, Variant.GUIDED, false))));
    m.add(new MethodInfo("deconvnet", "gradient", "deconvnet (ReLUs rectify the gradient only)",
        List.of(Methods.REDUCE, Methods.SIGNED),
        (model, s) -> new Saliency(model, saliency(s, Variant.DECONVNET, false))));
    m.add(new MethodInfo("lrp-epsilon", "gradient", "LRP-epsilon relevance (epsilon 1e-9, as Captum's default)",
        List.of(Methods.REDUCE, Methods.SIGNED),
        (model, s) -> new Saliency(model, saliency(s, Variant.LRP_EPSILON, true))));
    m.add(new MethodInfo("lrp-zplus", "gradient", "LRP z+ at Conv/Gemm/MatMul, epsilon elsewhere",
        List.of(Methods.REDUCE, Methods.SIGNED),
        (model, s) -> new Saliency(model, saliency(s, Variant.LRP_ZPLUS, true))));
    m.add(new MethodInfo(DeepLift.METHOD, "gradient", "DeepLift, rescale rule, from a baseline",
        List.of(Methods.BASELINE, Methods.REDUCE, Methods.SIGNED), (model, s) -> {
          DeepLift.Options d = DeepLift.Options.defaults(model.normalization());
          return new DeepLift(model, d.withSeed(s.seed()).withBaseline(Baseline.parse(s.get(Methods.BASELINE)))
              .withReduce(s.has(Methods.REDUCE) ? ChannelReduction.parse(s.get(Methods.REDUCE)) : d.reduce())
              .withSigned(s.get(Methods.SIGNED)));
        }));
    m.add(new MethodInfo(GradientShap.METHOD, "gradient", "GradientSHAP, expected gradients over random baselines",
        List.of(NoiseTunnel.SAMPLES, NoiseTunnel.NOISE, BASELINES, Methods.REDUCE), (model, s) -> {
          GradientShap.Options d = GradientShap.Options.defaults(model.normalization());
          return new GradientShap(model, d.withSeed(s.seed())
              .withSamples(s.has(NoiseTunnel.SAMPLES) ? s.get(NoiseTunnel.SAMPLES) : d.samples())
              .withStdev(s.has(NoiseTunnel.NOISE) ? s.get(NoiseTunnel.NOISE) : d.stdev())
              .withBaselines(baselines(s.get(BASELINES)))
              .withReduce(s.has(Methods.REDUCE) ? ChannelReduction.parse(s.get(Methods.REDUCE)) : d.reduce()));
        }));
  }

  private static Saliency.Options saliency(Settings s, Variant variant, boolean sumByDefault) {
    ChannelReduction reduce = s.has(Methods.REDUCE) || !sumByDefault ? ChannelReduction.parse(s.get(Methods.REDUCE))
        : ChannelReduction.SUM;
    return Saliency.Options.DEFAULT.withVariant(variant).withReduce(reduce).withSigned(s.get(Methods.SIGNED));
  }

  private static List<Baseline> baselines(String list) {
    List<Baseline> out = new ArrayList<>();
    for (String b : list.split(",")) {
      if (!b.isBlank()) {
        out.add(Baseline.parse(b.strip()));
      }
    }
    return out;
  }
}
