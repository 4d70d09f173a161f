package dev.lanterne.cli;

import dev.lanterne.LanterneException;
import dev.lanterne.explain.Explanation;
import dev.lanterne.explain.ExplanationWriter;
import dev.lanterne.explain.gradient.Baseline;
import dev.lanterne.explain.gradient.ChannelReduction;
import dev.lanterne.explain.gradient.IntegratedGradients;
import dev.lanterne.image.Normalization;
import dev.lanterne.explain.gradient.Scoring;
import dev.lanterne.explain.gradient.SmoothGrad;
import dev.lanterne.grad.FiniteDifferenceGradient;
import dev.lanterne.grad.GradientOptions;
import dev.lanterne.grad.Gradients;
import dev.lanterne.grad.Variant;
import dev.lanterne.runtime.CamModel;
import dev.lanterne.runtime.Classifier;
import dev.lanterne.runtime.GradientModel;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/** What the saliency, gradcam and explain commands share: flags, opening gradient graphs, writing results. */
final class GradientCommandSupport {
  static final String GRADIENT = "gradient";
  static final String REDUCE = "reduce";
  static final String SAMPLES = "samples";
  static final String NOISE = "noise";
  static final String STEPS = "steps";
  static final String BASELINE = "baseline";
  static final String LAYER = "layer";
  static final String RAW = "raw";

  private GradientCommandSupport() {}

  /** The shared flags plus the display flags and --raw. */
  static Options standardOptions() {
    Options o = CommonOptions.standard(true);
    CommonOptions.display(o);
    o.addOption(Option.builder().longOpt(RAW).desc("also write the raw signed attribution [3,H,W] as .npy").build());
    return o;
  }

  static void gradientFlag(Options o) {
    o.addOption(Option.builder().longOpt(GRADIENT).hasArg().argName("KIND")
        .desc("graph (default: the compiled gradient graph) or finite-difference (black box, for models the"
            + " compiler cannot differentiate)").build());
  }

  static void noiseAndPathFlags(Options o) {
    o.addOption(Option.builder().longOpt(REDUCE).hasArg().argName("R")
        .desc("how colour channels combine: max (default), sum or l2").build());
    o.addOption(Option.builder().longOpt(SAMPLES).hasArg().argName("N")
        .desc("SmoothGrad noisy samples (default 50)").build());
    o.addOption(Option.builder().longOpt(NOISE).hasArg().argName("S")
        .desc("SmoothGrad noise sigma as a fraction of the pixel range (default 0.15)").build());
    o.addOption(Option.builder().longOpt(STEPS).hasArg().argName("M")
        .desc("Integrated Gradients steps (default 50)").build());
    o.addOption(Option.builder().longOpt(BASELINE).hasArg().argName("B")
        .desc("Integrated Gradients baseline: black (default), blur or noise").build());
  }

  static void layerFlag(Options o) {
    o.addOption(Option.builder().longOpt(LAYER).hasArg().argName("NAME")
        .desc("Grad-CAM layer tensor (default: the one feeding the last global pooling; see lanterne layers)")
        .build());
  }

  /** The model, its inputs and where to write, resolved before any long work. */
  record Job(CliSupport.ModelSpec spec, List<CliSupport.Input> inputs, float[] x, int n, Path out, long seed,
      Scoring scoring, Normalization normalization) {
    static Job start(CommandLine cl) {
      CliSupport.ModelSpec spec = CliSupport.model(cl);
      List<CliSupport.Input> inputs = CliSupport.inputs(cl, spec);
      Path out = CliSupport.outDir(cl, null);
      return new Job(spec, inputs, CliSupport.stack(inputs), inputs.size(), out, CliSupport.seed(cl),
          Scoring.of(spec.card(), spec.labels()), Normalization.of(spec.card(), spec.channels()));
    }

    /** The classes to explain per image, from --class (default: the predicted class). */
    int[][] classes(CommandLine cl) {
      try (Classifier c = spec.openClassifier()) {
        return CliSupport.classes(cl, c.run(x, n), n, c.numClasses());
      }
    }
  }

  /** The input-gradient model chosen by --gradient, with ReLUs passing gradients back as variant says. */
  static GradientModel openGradient(CommandLine cl, Job job, Variant variant) {
    if (variant != Variant.STANDARD) {
      requireGraph(cl, "guided backpropagation");
    }
    if (CliSupport.choice(cl, GRADIENT, "graph", "graph", "finite-difference").equals("finite-difference")) {
      return new OwnedFiniteDifference(job.spec().openClassifier(), job.seed());
    }
    return Gradients.saliency(job.spec().path(), GradientOptions.DEFAULT.withVariant(variant), job.spec().runtime());
  }

  /** Refuses --gradient finite-difference for what needs the compiled graph. */
  static void requireGraph(CommandLine cl, String what) {
    if ("finite-difference".equalsIgnoreCase(cl.getOptionValue(GRADIENT, "graph"))) {
      throw LanterneException.usage("--gradient finite-difference gives the true gradient only; " + what
          + " needs --gradient graph");
    }
  }

  /** The Grad-CAM graph at --layer (or the default layer). */
  static CamModel openCam(CommandLine cl, Job job) {
    return Gradients.gradcam(job.spec().path(), GradientOptions.DEFAULT.withLayer(cl.getOptionValue(LAYER)),
        job.spec().runtime());
  }

  static ChannelReduction reduce(CommandLine cl, ChannelReduction dflt) {
    return cl.hasOption(REDUCE) ? ChannelReduction.parse(cl.getOptionValue(REDUCE)) : dflt;
  }

  static SmoothGrad.Options smoothGrad(CommandLine cl, Job job, SmoothGrad.Variant variant) {
    return SmoothGrad.Options.defaults(job.normalization()).withVariant(variant).withSeed(job.seed())
        .withSamples(CliSupport.intOption(cl, SAMPLES, 50, 1, 100_000))
        .withNoiseLevel(CliSupport.doubleOption(cl, NOISE, 0.15, 0, 10))
        .withReduce(reduce(cl, ChannelReduction.MAX));
  }

  static IntegratedGradients.Options integratedGradients(CommandLine cl, Job job) {
    IntegratedGradients.Options d = IntegratedGradients.Options.defaults(job.normalization());
    return d.withSeed(job.seed()).withSteps(CliSupport.intOption(cl, STEPS, 50, 2, 100_000))
        .withBaseline(Baseline.parse(cl.getOptionValue(BASELINE, "black")))
        .withReduce(reduce(cl, d.reduce()));
  }

  /** Writes overlays, maps, explanations.json and the grid, and prints one line per map. */
  static void write(CommandLine cl, Job job, List<Explanation> explanations) {
    ExplanationWriter.Options o = CliSupport.display(cl, explanations).withRaw(cl.hasOption(RAW));
    List<String> names = job.inputs().stream().map(CliSupport.Input::name).toList();
    List<BufferedImage> shown = job.inputs().stream().map(CliSupport.Input::shown).toList();
    ExplanationWriter.Written w = new ExplanationWriter(job.out(), o).write(names, shown, explanations);
    for (int i = 0; i < explanations.size(); i++) {
      Explanation e = explanations.get(i);
      System.out.printf(Locale.ROOT, "%s  %-20s %4d %-24s score %.4g  p %.4f%s  -> %s%n", names.get(e.image()),
          e.method(), e.classIndex(), e.label(), e.score(), e.probability(), gap(e.details()),
          w.files().get(i).overlay());
    }
    System.out.println("wrote " + explanations.size() + " maps, " + job.out().relativize(w.json())
        + (w.grid() != null ? " and " + job.out().relativize(w.grid()) : "") + " to " + job.out());
  }

  private static String gap(Map<String, Object> details) {
    if (details == null || !details.containsKey("completenessGap")) {
      return "";
    }
    return String.format(Locale.ROOT, "  completeness gap %.3g (%.2g relative)", details.get("completenessGap"),
        details.get("relativeGap"));
  }

  /** The black-box gradient with the classifier it runs, closed together. */
  private static final class OwnedFiniteDifference implements GradientModel {
    private final Classifier classifier;
    private final FiniteDifferenceGradient gradient;

    OwnedFiniteDifference(Classifier classifier, long seed) {
      this.classifier = classifier;
      FiniteDifferenceGradient.Options d = FiniteDifferenceGradient.Options.DEFAULT;
      this.gradient = new FiniteDifferenceGradient(classifier, new FiniteDifferenceGradient.Options(d.directions(),
          d.sigma(), seed));
    }

    @Override
    public int[] inputShape() {
      return gradient.inputShape();
    }

    @Override
    public int numClasses() {
      return gradient.numClasses();
    }

    @Override
    public Result gradient(float[] x, int n, float[] seed) {
      return gradient.gradient(x, n, seed);
    }

    @Override
    public void close() {
      gradient.close();
      classifier.close();
    }
  }
}
