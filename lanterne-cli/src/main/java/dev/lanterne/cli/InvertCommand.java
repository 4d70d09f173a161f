package dev.lanterne.cli;

import dev.lanterne.console.Progress;

import dev.lanterne.explain.ModelDescription;

import dev.lanterne.LanterneException;
import dev.lanterne.explain.inversion.AscentTrace;
import dev.lanterne.explain.inversion.ClassModelInversion;
import dev.lanterne.explain.inversion.FourierParameterization;
import dev.lanterne.explain.inversion.InversionModels;
import dev.lanterne.explain.inversion.InversionOptions;
import dev.lanterne.explain.inversion.InversionOutputs;
import dev.lanterne.explain.inversion.LayerObjective;
import dev.lanterne.explain.inversion.StepListener;
import dev.lanterne.grad.FiniteDifferenceGradient;
import dev.lanterne.runtime.InversionModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/** `lanterne invert`: class-model inversion, what the network "imagines" each class to be. */
public final class InvertCommand implements Command {
  @Override
  public String name() {
    return "invert";
  }

  @Override
  public String summary() {
    return "optimise images from noise (or an image) until the model sees the given classes";
  }

  @Override
  public Options options() {
    Options o = CommonOptions.model(new Options());
    CommonOptions.classes(o);
    CommonOptions.out(o, true);
    CommonOptions.seed(o);
    o.addOption(Option.builder().longOpt("from").hasArg().argName("START")
        .desc("noise (uniform, default), gaussian, gray, or an image file").build());
    o.addOption(Option.builder().longOpt("noise").hasArg().argName("A")
        .desc("start noise amplitude in pixel units around mid-gray (default 0.1)").build());
    addAscentOptions(o, InversionOptions.defaults());
    o.addOption(Option.builder().longOpt("param").hasArg().argName("KIND")
        .desc("what is optimised: pixels (default) or fft (Lucid's 1/f-scaled Fourier spectrum through a sigmoid;"
            + " switches to Lucid's defaults: Adam 0.05, 512 steps, jitter 8, scale 0.9-1.1, rotation 10)").build());
    o.addOption(Option.builder().longOpt("layer").hasArg().argName("NAME")
        .desc("climb a unit of this layer instead of a class (see lanterne layers)").build());
    o.addOption(Option.builder().longOpt("unit").hasArg().argName("U")
        .desc("with --layer: l2 (the layer's energy, default), channel:N (channel N's mean) or neuron:N (channel N"
            + " at the centre)").build());
    o.addOption(Option.builder().longOpt("decorrelate")
        .desc("with --param fft: mix colours through Lucid's ImageNet colour-decorrelation matrix").build());
    return o;
  }

  /** The optimisation flags invert and dream share. */
  static void addAscentOptions(Options o, InversionOptions d) {
    o.addOption(flag("steps", "T", "optimisation steps (default " + d.steps() + ")"));
    o.addOption(flag("lr", "LR", "learning rate in normalised units (default " + d.learningRate() + ")"));
    o.addOption(flag("optimizer", "NAME", "sgd or adam (default " + d.optimizer().name().toLowerCase(Locale.ROOT)
        + ")"));
    o.addOption(flag("objective", "KIND", "score (pre-softmax class score, default) or logprob (log-probability;"
        + " for quantized models whose logits saturate)"));
    o.addOption(flag("momentum", "M", "SGD momentum (default 0: plain gradient ascent)"));
    o.addOption(Option.builder().longOpt("raw-gradient")
        .desc("do not divide each step's gradient by its mean absolute value").build());
    o.addOption(flag("blur-every", "K", "Gaussian blur every K steps, 0 for never (default " + d.blurEvery() + ")"));
    o.addOption(flag("blur-sigma", "S", "blur standard deviation in pixels (default " + d.blurSigma() + ")"));
    o.addOption(flag("l2", "L", "L2 decay per step (default " + d.l2() + ")"));
    o.addOption(flag("jitter", "J", "random shift of up to J pixels before each step (default " + d.jitter() + ")"));
    o.addOption(flag("scale-jitter", "S", "random scaling by up to +-S before each step (default 0)"));
    o.addOption(flag("rotate-jitter", "DEG", "random rotation by up to DEG degrees before each step (default 0)"));
    o.addOption(Option.builder().longOpt("no-clip").desc("do not clip to the valid pixel range after each step")
        .build());
    o.addOption(Option.builder().longOpt("no-regularization")
        .desc("switch off blur, decay, jitter and clipping (shows the adversarial-noise look)").build());
    o.addOption(flag("gradient", "HOW", "compiled (the derived gradient graph), fd (black-box finite differences,"
        + " slow) or auto (compiled, falling back to fd when the model cannot be differentiated; default)"));
    o.addOption(flag("fd-directions", "M", "random direction pairs per finite-difference gradient (default "
        + FiniteDifferenceGradient.Options.DEFAULT.directions() + ")"));
    o.addOption(flag("snapshot-every", "K", "a progress-strip picture every K steps (default "
        + d.snapshotEvery() + ")"));
  }

  private static Option flag(String name, String arg, String desc) {
    return Option.builder().longOpt(name).hasArg().argName(arg).desc(desc).build();
  }

  /** Reads the shared optimisation flags over the given defaults. */
  static InversionOptions ascentOptions(CommandLine cl, InversionOptions d) {
    InversionOptions o = d;
    if (cl.hasOption("no-regularization")) {
      o = o.unregularized();
    }
    InversionOptions.Optimizer opt = switch (CliSupport.choice(cl, "optimizer",
        d.optimizer().name().toLowerCase(Locale.ROOT), "sgd", "adam")) {
      case "sgd" -> InversionOptions.Optimizer.SGD;
      default -> InversionOptions.Optimizer.ADAM;
    };
    o = o.withOptimizer(opt, CliSupport.doubleOption(cl, "lr", d.learningRate(), 0, 1e6),
        CliSupport.doubleOption(cl, "momentum", d.momentum(), 0, 0.999));
    if (opt == InversionOptions.Optimizer.ADAM && cl.hasOption("momentum")) {
      throw LanterneException.usage("--momentum applies to --optimizer sgd; Adam keeps its own moments");
    }
    o = o.withSteps(CliSupport.intOption(cl, "steps", d.steps(), 0, 1_000_000))
        .withNormalizeGradient(!cl.hasOption("raw-gradient"))
        .withBlur(CliSupport.intOption(cl, "blur-every", o.blurEvery(), 0, 1_000_000),
            CliSupport.doubleOption(cl, "blur-sigma", o.blurSigma(), 0, 100))
        .withL2(CliSupport.doubleOption(cl, "l2", o.l2(), 0, 1e6))
        .withJitter(CliSupport.intOption(cl, "jitter", o.jitter(), 0, 1000),
            CliSupport.doubleOption(cl, "scale-jitter", o.scaleJitter(), 0, 0.5),
            CliSupport.doubleOption(cl, "rotate-jitter", o.rotateJitterDegrees(), 0, 180))
        .withSnapshotEvery(CliSupport.intOption(cl, "snapshot-every", o.snapshotEvery(), 0, 1_000_000))
        .withSeed(CliSupport.seed(cl))
        .withLogProbability(CliSupport.choice(cl, "objective", d.logProbability() ? "logprob" : "score", "score",
            "logprob").equals("logprob"));
    if (cl.hasOption("no-clip")) {
      o = o.withClip(false);
    }
    return o;
  }

  /**
   * The inversion step per --gradient: the compiled graph, finite differences, or the graph with a
   * fallback to finite differences (with a warning) when the model cannot be differentiated.
   */
  static InversionModel openInversion(CommandLine cl, byte[] model, boolean normalize, ModelDescription spec) {
    String how = CliSupport.choice(cl, "gradient", "auto", "auto", "compiled", "fd");
    FiniteDifferenceGradient.Options fd = new FiniteDifferenceGradient.Options(
        CliSupport.intOption(cl, "fd-directions", FiniteDifferenceGradient.Options.DEFAULT.directions(), 1, 100_000),
        FiniteDifferenceGradient.Options.DEFAULT.sigma(), CliSupport.seed(cl));
    if (how.equals("fd")) {
      return InversionModels.finiteDifferences(model, spec.name(), normalize, spec.runtime(), fd);
    }
    try {
      return InversionModels.compile(model, normalize, spec.runtime());
    } catch (LanterneException e) {
      if (how.equals("compiled")) {
        throw new LanterneException("cannot derive the gradient graph of " + spec.path().getFileName() + " ("
            + e.getMessage() + "); try --gradient fd", e);
      }
      System.err.println("lanterne: warning: cannot derive the gradient graph (" + e.getMessage()
          + "); using finite differences, which is much slower");
      return InversionModels.finiteDifferences(model, spec.name(), normalize, spec.runtime(), fd);
    }
  }

  /** A progress bar that shows the step, the mean objective and the lowest target probability. */
  static StepListener progressListener(Progress bar) {
    return (t, obj, prob) -> {
      double mean = 0;
      double low = Double.POSITIVE_INFINITY;
      for (int i = 0; i < obj.length; i++) {
        mean += obj[i] / obj.length;
        if (!Float.isNaN(prob[i])) {
          low = Math.min(low, prob[i]);
        }
      }
      bar.stepTo(t);
      bar.message(Double.isInfinite(low) ? String.format(Locale.ROOT, "objective %.3g", mean)
          : String.format(Locale.ROOT, "score %.2f, min p %.3f", mean, low));
    };
  }

  static Map<String, Object> settings(InversionOptions o, ModelDescription spec) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("model", spec.path().getFileName().toString());
    s.put("start", o.start().name().toLowerCase(Locale.ROOT));
    s.put("noiseAmplitude", o.noiseAmplitude());
    s.put("optimizer", o.optimizer().name().toLowerCase(Locale.ROOT));
    s.put("learningRate", o.learningRate());
    s.put("momentum", o.momentum());
    s.put("objective", o.logProbability() ? "log-probability" : "pre-softmax score");
    s.put("steps", o.steps());
    s.put("normalizedGradient", o.normalizeGradient());
    s.put("blurEvery", o.blurEvery());
    s.put("blurSigma", o.blurSigma());
    s.put("l2", o.l2());
    s.put("jitter", o.jitter());
    s.put("scaleJitter", o.scaleJitter());
    s.put("rotateJitterDegrees", o.rotateJitterDegrees());
    s.put("clip", o.clip());
    s.put("seed", o.seed());
    return s;
  }

  @Override
  public int run(CommandLine cl) throws Exception {
    if (!cl.hasOption(CommonOptions.CLASS) && !cl.hasOption("layer")) {
      throw LanterneException.usage("invert needs the classes to optimise: --class 130 [--class 288 ...]"
          + " (or a layer unit: --layer NAME --unit channel:N)");
    }
    ModelDescription spec = CliSupport.model(cl);
    Path out = CliSupport.outDir(cl, null);
    String param = CliSupport.choice(cl, "param", "pixels", "pixels", "fft");
    if (cl.hasOption("decorrelate") && !param.equals("fft")) {
      throw LanterneException.usage("--decorrelate applies to --param fft");
    }
    FourierParameterization fourier = param.equals("fft") ? new FourierParameterization(spec.inputShape(),
        cl.hasOption("decorrelate"), dev.lanterne.image.Normalization.of(spec.card()), 1.0) : null;
    InversionOptions o = ascentOptions(cl, fourier != null ? InversionOptions.lucid() : InversionOptions.defaults());
    o = o.withNoiseAmplitude(CliSupport.doubleOption(cl, "noise", o.noiseAmplitude(), 0, 10));
    float[] startImage = null;
    String from = cl.getOptionValue("from", "noise");
    switch (from.toLowerCase(Locale.ROOT)) {
      case "noise", "uniform" -> o = o.withStart(InversionOptions.Start.UNIFORM_NOISE);
      case "gaussian" -> o = o.withStart(InversionOptions.Start.GAUSSIAN_NOISE);
      case "gray", "grey" -> o = o.withStart(InversionOptions.Start.GRAY);
      default -> {
        Path p = Path.of(from);
        if (!Files.isRegularFile(p)) {
          throw LanterneException.usage("--from must be noise, gaussian, gray or an image file; " + p
              + " does not exist");
        }
        startImage = spec.preprocessor().prepare(p).tensor();
        o = o.withStart(InversionOptions.Start.IMAGE);
      }
    }
    byte[] bytes = dev.lanterne.onnx.OnnxModels.readBytes(spec.path());
    String layer = cl.getOptionValue("layer");
    LayerObjective.Unit unit = LayerObjective.Unit.parse(cl.getOptionValue("unit", "l2"));
    int classCount = -1;
    if (layer != null) {
      try (dev.lanterne.runtime.Classifier plain = dev.lanterne.runtime.Classifier.open(bytes, spec.name(),
          spec.runtime())) {
        classCount = plain.numClasses();
      }
      bytes = LayerObjective.append(bytes, layer, spec.inputShape(), unit);
    }
    AscentTrace trace;
    int[] classes;
    try (InversionModel model = openInversion(cl, bytes, o.normalizeGradient(), spec)) {
      int k = layer != null ? classCount : model.numClasses();
      classes = layer != null ? new int[] {classCount} : CliSupport.classes(cl, new float[k], 1, k, spec.labels())[0];
      try (Progress bar = Progress.start("invert", o.steps(), "step")) {
        trace = ClassModelInversion.run(model, spec.card(), classes, k, startImage, o, fourier,
            progressListener(bar));
      }
    }
    List<String> names = new ArrayList<>();
    for (int c : classes) {
      names.add(layer != null ? "layer " + layer + " " + unit : InversionOutputs.name(c, spec.labels()));
    }
    Map<String, Object> settings = settings(o, spec);
    settings.put("from", from);
    if (layer != null) {
      settings.put("layer", layer);
      settings.put("unit", unit.toString());
    }
    settings.put("param", fourier == null ? "pixels" : cl.hasOption("decorrelate") ? "fft, decorrelated" : "fft");
    InversionOutputs.write(out, trace, classes, names, spec.card(), "invert", settings);
    for (int i = 0; i < classes.length; i++) {
      System.out.printf(Locale.ROOT, "%-32s score %.3f -> %.3f  p %.4f -> %.4f%n", names.get(i),
          trace.objective()[i][0], trace.finalObjective(i), trace.probability()[i][0], trace.finalProbability(i));
    }
    System.out.println("wrote " + CliSupport.shown(out));
    return 0;
  }
}
