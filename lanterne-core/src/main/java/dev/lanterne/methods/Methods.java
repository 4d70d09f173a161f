package dev.lanterne.methods;

import dev.lanterne.LanterneException;
import dev.lanterne.explain.Attribution;
import dev.lanterne.explain.LanternModel;
import dev.lanterne.explain.NoiseTunnel;
import dev.lanterne.explain.Setting;
import dev.lanterne.explain.Settings;
import dev.lanterne.explain.attention.AttentionRollout;
import dev.lanterne.explain.attention.Rollout;
import dev.lanterne.explain.gradient.Baseline;
import dev.lanterne.explain.gradient.ChannelReduction;
import dev.lanterne.explain.gradient.GuidedGradCam;
import dev.lanterne.explain.gradient.IntegratedGradients;
import dev.lanterne.explain.gradient.Saliency;
import dev.lanterne.explain.gradient.SmoothGrad;
import dev.lanterne.explain.perturbation.Fill;
import dev.lanterne.explain.perturbation.MaskType;
import dev.lanterne.explain.perturbation.Occlusion;
import dev.lanterne.explain.perturbation.OcclusionOptions;
import dev.lanterne.explain.perturbation.Rise;
import dev.lanterne.explain.perturbation.RiseOptions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Every explanation method by name, with the settings it reads: the one dispatch that the CLI, the
 * lab, the batch runner and the Spark job share. Defaults come from each method's option record.
 * Immutable once built; safe to share.
 */
public final class Methods {
  /** Colour channels combined by max, sum or L2 norm. */
  public static final Setting<String> REDUCE = Setting.choice("reduce", "how colour channels combine", "max",
      List.of("max", "sum", "l2"));
  /** Keep the gradient's sign. */
  public static final Setting<Boolean> SIGNED = Setting.flag("signed", "keep the sign of the attribution");
  /** Integrated Gradients' path steps. */
  public static final Setting<Integer> STEPS = Setting.integer("steps", "Integrated Gradients steps", 50, 2, 100_000);
  /** Integrated Gradients' baseline. */
  public static final Setting<String> BASELINE = Setting.choice("baseline", "Integrated Gradients baseline", "black",
      List.of("black", "blur", "noise"));
  /** The CAM layer. */
  public static final Setting<String> LAYER = Setting.text("layer", "NAME",
      "CAM layer: tensor name, index or unique part of a name from 'lanterne layers', or several separated by"
          + " commas to average (default: the last spatial map before the head; for ViTs the last block's first"
          + " LayerNorm)", null);
  /** RISE's number of masks. */
  public static final Setting<Integer> MASKS = Setting.integer("masks", "RISE: number of masks",
      RiseOptions.DEFAULTS.masks(), 1, 10_000_000);
  /** RISE's grid cells per side. */
  public static final Setting<Integer> GRID = Setting.integer("grid", "RISE: grid cells per side",
      RiseOptions.DEFAULTS.grid(), 1, 1024);
  /** RISE's keep probability. */
  public static final Setting<Double> KEEP = Setting.real("p", "RISE: probability of keeping a cell",
      RiseOptions.DEFAULTS.p(), 1e-6, 1);
  /** RISE's mask family. */
  public static final Setting<String> MASK_TYPE = Setting.choice("mask-type", "RISE: mask family",
      RiseOptions.DEFAULTS.maskType().cliName(), Arrays.stream(MaskType.values()).map(MaskType::cliName).toList());
  /** What replaces masked pixels (default: black for RISE, gray for occlusion). */
  public static final Setting<String> FILL = Setting.choice("fill",
      "RISE/occlusion: what replaces masked pixels (default black for RISE, gray for occlusion)", null,
      Arrays.stream(Fill.values()).map(f -> f.name().toLowerCase(Locale.ROOT)).toList());
  /** Occlusion's window side. */
  public static final Setting<Integer> WINDOW = Setting.integer("window", "occlusion: side of the square in pixels",
      OcclusionOptions.DEFAULTS.window(), 1, 4096);
  /** Occlusion's stride. */
  public static final Setting<Integer> STRIDE = Setting.integer("stride", "occlusion: step between squares",
      OcclusionOptions.DEFAULTS.stride(), 1, 4096);

  /** How attention rollout combines the heads. */
  public static final Setting<String> HEAD_FUSION = Setting.choice("head-fusion",
      "rollout: how the heads of a layer combine", "mean", List.of("mean", "max", "min"));

  private final Map<String, MethodInfo> methods = new LinkedHashMap<>();

  /** Every method this build knows. */
  public static Methods standard() {
    Methods m = new Methods();
    m.add(new MethodInfo("saliency", "gradient", "|gradient| of the class score", List.of(REDUCE, SIGNED),
        (model, s) -> new Saliency(model, saliency(s, false))));
    m.add(new MethodInfo("gradient-x-input", "gradient", "gradient x input", List.of(REDUCE, SIGNED),
        (model, s) -> new Saliency(model, saliency(s, true))));
    for (SmoothGrad.Variant v : SmoothGrad.Variant.values()) {
      m.add(new MethodInfo(v.method(), "gradient", "noisy-gradient average (" + v.method() + ")",
          List.of(NoiseTunnel.SAMPLES, NoiseTunnel.NOISE, REDUCE), (model, s) -> new SmoothGrad(model,
              SmoothGrad.Options.defaults(model.normalization()).withVariant(v).withSeed(s.seed())
                  .withSamples(s.get(NoiseTunnel.SAMPLES)).withNoiseLevel(s.get(NoiseTunnel.NOISE))
                  .withReduce(ChannelReduction.parse(s.get(REDUCE))))));
    }
    m.add(new MethodInfo(IntegratedGradients.METHOD, "gradient", "Integrated Gradients (path integral from a baseline)",
        List.of(STEPS, BASELINE, REDUCE), (model, s) -> {
          IntegratedGradients.Options d = IntegratedGradients.Options.defaults(model.normalization());
          return new IntegratedGradients(model, d.withSeed(s.seed()).withSteps(s.get(STEPS))
              .withBaseline(Baseline.parse(s.get(BASELINE)))
              .withReduce(s.has(REDUCE) ? ChannelReduction.parse(s.get(REDUCE)) : d.reduce()));
        }));
    GradientFamily.addAll(m);
    CamMethods.addAll(m);
    m.add(new MethodInfo(GuidedGradCam.METHOD, "cam", "guided backpropagation x Grad-CAM", List.of(LAYER),
        (model, s) -> new GuidedGradCam(model, s.get(LAYER))));
    m.add(new MethodInfo(Rise.METHOD, "perturbation", "RISE, random masks",
        List.of(MASKS, GRID, KEEP, MASK_TYPE, FILL), (model, s) -> new Rise(model, rise(model, s))));
    m.add(new MethodInfo(Occlusion.METHOD, "perturbation", "occlusion, a sliding square",
        List.of(WINDOW, STRIDE, FILL), (model, s) -> new Occlusion(model, OcclusionOptions.DEFAULTS
            .withWindow(s.get(WINDOW), s.get(STRIDE))
            .withFill(s.has(FILL) ? Fill.parse(s.get(FILL)) : OcclusionOptions.DEFAULTS.fill())
            .withBatch(model.runtime().maxBatch()))));
    m.add(new MethodInfo("rollout", "attention", "attention rollout of a ViT-like model (Abnar and Zuidema 2020)",
        List.of(HEAD_FUSION), (model, s) -> new AttentionRollout(model, new AttentionRollout.Options(false,
            Rollout.HeadFusion.parse(s.get(HEAD_FUSION))))));
    m.add(new MethodInfo("grad-rollout", "attention",
        "gradient-weighted attention rollout (Chefer et al. 2021 style), class-specific", List.of(),
        (model, s) -> new AttentionRollout(model, AttentionRollout.Options.GRADIENT_WEIGHTED)));
    SurrogateMethods.addAll(m);
    BaselineAttribution.addAll(m);
    return m;
  }

  /** Adds (or replaces) a method. */
  public Methods add(MethodInfo info) {
    methods.put(info.name(), info);
    return this;
  }

  /** All methods, in registration order. */
  public List<MethodInfo> all() {
    return List.copyOf(methods.values());
  }

  /** All method names, in registration order. */
  public List<String> names() {
    return List.copyOf(methods.keySet());
  }

  /** The method of a name (case-insensitive; "integrated" and "guided" style aliases accepted). */
  public MethodInfo get(String name) {
    String key = name.strip().toLowerCase(Locale.ROOT);
    MethodInfo m = methods.get(key);
    if (m == null) {
      m = methods.get(ALIASES.getOrDefault(key, key));
    }
    if (m == null) {
      throw LanterneException.usage("unknown method '" + name + "'; available: " + String.join(", ", names()));
    }
    return m;
  }

  /** The methods of a comma-separated list, in order, without repeats. */
  public List<MethodInfo> parse(String list) {
    List<MethodInfo> out = new ArrayList<>();
    for (String t : list.split(",")) {
      if (!t.isBlank()) {
        MethodInfo m = get(t);
        if (!out.contains(m)) {
          out.add(m);
        }
      }
    }
    if (out.isEmpty()) {
      throw LanterneException.usage("no method named; pass some of: " + String.join(", ", names()));
    }
    return out;
  }

  /** Every setting any method reads, once each by name (for the CLI's flags and help). */
  public List<Setting<?>> settings() {
    Map<String, Setting<?>> all = new LinkedHashMap<>();
    for (MethodInfo m : methods.values()) {
      for (Setting<?> s : m.settings()) {
        all.putIfAbsent(s.name(), s);
      }
    }
    return List.copyOf(all.values());
  }

  /** Opens a method by name. */
  public Attribution open(String name, LanternModel model, Settings settings) {
    return get(name).open(model, settings);
  }

  private static final Map<String, String> ALIASES = Map.of("integrated", IntegratedGradients.METHOD,
      "squared", "smoothgrad-squared", "grad-cam", "gradcam", "gradcam-plus-plus", "gradcam++");

  private static Saliency.Options saliency(Settings s, boolean timesInput) {
    return Saliency.Options.DEFAULT.withReduce(ChannelReduction.parse(s.get(REDUCE))).withSigned(s.get(SIGNED))
        .withTimesInput(timesInput);
  }

  private static RiseOptions rise(LanternModel model, Settings s) {
    return RiseOptions.DEFAULTS.withMasks(s.get(MASKS)).withGrid(s.get(GRID)).withP(s.get(KEEP))
        .withMaskType(MaskType.parse(s.get(MASK_TYPE)))
        .withFill(s.has(FILL) ? Fill.parse(s.get(FILL)) : RiseOptions.DEFAULTS.fill())
        .withSeed(s.seed()).withBatch(model.runtime().maxBatch());
  }
}
