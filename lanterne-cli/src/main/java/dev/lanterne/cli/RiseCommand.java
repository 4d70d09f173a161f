package dev.lanterne.cli;

import dev.lanterne.console.Progress;

import dev.lanterne.explain.Images;

import dev.lanterne.explain.ModelDescription;

import dev.lanterne.explain.Explanation;
import dev.lanterne.explain.ExplanationWriter;
import dev.lanterne.explain.perturbation.BlackBox;
import dev.lanterne.explain.perturbation.Fill;
import dev.lanterne.explain.perturbation.MaskSheet;
import dev.lanterne.explain.perturbation.MaskType;
import dev.lanterne.explain.perturbation.ProgressListener;
import dev.lanterne.explain.perturbation.Rise;
import dev.lanterne.explain.perturbation.RiseOptions;
import dev.lanterne.explain.perturbation.ScoreKind;
import dev.lanterne.model.ModelCard;
import dev.lanterne.runtime.Classifier;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/** `lanterne rise`: RISE saliency maps from masked forward passes (black box). */
public final class RiseCommand implements Command {
  @Override
  public String name() {
    return "rise";
  }

  @Override
  public String summary() {
    return "RISE: saliency from thousands of randomly masked copies of the image (any model)";
  }

  @Override
  public Options options() {
    Options o = CommonOptions.standard(true);
    o.addOption(Option.builder().longOpt("masks").hasArg().argName("N")
        .desc("number of masks (default 4000; the most used with --until-stable); a list such as 100,500,2000"
            + " sweeps: one panel per setting in grid.png, and sweep.csv with time, deletion and insertion AUC")
        .build());
    o.addOption(Option.builder().longOpt("grid").hasArg().argName("S")
        .desc("grid cells per side (default 7); a list such as 4,8,16 sweeps").build());
    o.addOption(Option.builder().longOpt("p").hasArg().argName("P")
        .desc("probability of keeping a cell (default 0.5)").build());
    o.addOption(Option.builder().longOpt("score").hasArg().argName("KIND")
        .desc("probability (default, the paper's) or logit").build());
    o.addOption(Option.builder().longOpt("mask-type").hasArg().argName("TYPE")
        .desc("binary (default, the paper's), stripes, hstripes, grid (hard random cells), noise (grid-scale"
            + " Gaussian) or pixel-noise; a comma-separated list sweeps").build());
    Outputs.fillOptions(o);
    CommonOptions.display(o);
    o.addOption(Option.builder().longOpt("until-stable").optionalArg(true).hasArg().argName("TOL")
        .desc("stop when the map changes by less than TOL (default 0.02) three checks in a row; --masks is then the most").build());
    o.addOption(Option.builder().longOpt("check-every").hasArg().argName("N")
        .desc("with --until-stable, check after every N masks (default 100)").build());
    o.addOption(Option.builder().longOpt("save-masks").optionalArg(true).hasArg().argName("K")
        .desc("write the first K masks of the run (default 32, at most 256) as masks.png").build());
    return o;
  }

  @Override
  public int run(CommandLine cl) throws Exception {
    ModelDescription spec = CliSupport.model(cl);
    List<RiseOptions> settings = RiseSweep.settings(cl, options(cl, spec.runtime().maxBatch()));
    for (RiseOptions o : settings) {
      o.checkFits(spec.card().height(), spec.card().width());
    }
    if (settings.size() > 1) {
      return RiseSweep.run(cl, spec, settings);
    }
    RiseOptions ro = settings.get(0);
    Path out = CliSupport.outDir(cl, null);
    Images inputs = CliSupport.inputs(cl, spec);
    List<Explanation> all = new ArrayList<>();
    try (Classifier classifier = spec.openClassifier()) {
      BlackBox model = BlackBox.of(classifier, spec.card(), spec.labels());
      float[] scores = classifier.run(inputs.tensor(), inputs.size());
      int[][] classes = CliSupport.classes(cl, scores, inputs.size(), classifier.numClasses(), spec.labels());
      Rise rise = new Rise(ro);
      for (int i = 0; i < inputs.size(); i++) {
        float[] pixels = Outputs.pixels(inputs.tensor(i), spec.card());
        List<Explanation> maps;
        try (Progress bar = Progress.start("rise " + inputs.names().get(i), ro.masks(), "masks")) {
          maps = rise.explain(model, pixels, classes[i], i, Outputs.listener(bar));
        }
        all.addAll(maps);
        if (ro.untilStable() && !maps.isEmpty()) {
          System.out.println(untilStableLine(inputs.names().get(i), maps.get(0).details(), ro));
        }
      }
    }
    if (cl.hasOption("save-masks")) {
      int k = CliSupport.intOption(cl, "save-masks", 32, 1, 256);
      int[] hw = {spec.card().height(), spec.card().width()};
      MaskSheet.write(out.resolve("masks.png"), ro.generator(hw[0], hw[1]), ro.seed(), k, hw[0], hw[1], 8);
    }
    Outputs.write(cl, out, inputs, all);
    return 0;
  }

  /** Where --until-stable stopped: settled after n masks, or at the --masks limit without settling. */
  static String untilStableLine(String image, java.util.Map<String, Object> details, RiseOptions ro) {
    Object change = details.get("lastChange");
    String last = change == null ? "" : String.format(java.util.Locale.ROOT, "last change %.3g, ", (Double) change);
    if (Boolean.TRUE.equals(details.get("stoppedAtLimit"))) {
      return "rise " + image + ": --until-stable stopped at its limit of " + ro.masks() + " masks without settling ("
          + last + "tolerance " + ro.tolerance() + "); raise --masks or the tolerance for a steadier map";
    }
    return "rise " + image + ": --until-stable settled after " + details.get("masks") + " of at most " + ro.masks()
        + " masks (" + last + "tolerance " + ro.tolerance() + ")";
  }

  static RiseOptions options(CommandLine cl, int batch) {
    RiseOptions d = RiseOptions.DEFAULTS;
    // lists (sweeps) are expanded by RiseSweep.settings; here their first value
    RiseOptions o = d.withMasks(CliSupport.intList(cl, "masks", d.masks(), 1, 10_000_000).get(0))
        .withGrid(CliSupport.intList(cl, "grid", d.grid(), 1, 1024).get(0))
        .withP(CliSupport.doubleOption(cl, "p", d.p(), 1e-6, 1))
        .withBatch(batch)
        .withSeed(CliSupport.seed(cl))
        .withScore(ScoreKind.parse(cl.getOptionValue("score", "probability")))
        .withMaskType(MaskType.parse(CliSupport.wordList(cl, "mask-type", "binary").get(0)))
        .withFill(Fill.parse(CliSupport.wordList(cl, "fill", "black").get(0)))
        .withBlurSigma(CliSupport.doubleOption(cl, "blur-sigma", d.blurSigma(), 0, 1000));
    if (cl.hasOption("until-stable")) {
      double tol = cl.getOptionValue("until-stable") == null ? d.tolerance()
          : CliSupport.doubleOption(cl, "until-stable", d.tolerance(), 1e-9, 10);
      o = o.withUntilStable(tol, CliSupport.intOption(cl, "check-every", d.checkEvery(), 1, 1_000_000));
    }
    return o;
  }

  /** Flags and output steps that rise and occlusion share. */
  static final class Outputs {
    private Outputs() {}

    static void fillOptions(Options o) {
      o.addOption(Option.builder().longOpt("fill").hasArg().argName("FILL")
          .desc("what replaces masked pixels: black, gray, mean (colour) or blur (rise: a comma-separated list"
              + " sweeps)").build());
      o.addOption(Option.builder().longOpt("blur-sigma").hasArg().argName("PX")
          .desc("blur standard deviation in pixels for --fill blur (default 10)").build());
    }

    /** Undoes the card's normalisation: pixels in [0,1], where masks act. */
    static float[] pixels(float[] normalised, ModelCard card) {
      int plane = card.height() * card.width();
      float[] px = new float[normalised.length];
      for (int i = 0; i < px.length; i++) {
        int c = i / plane;
        px[i] = normalised[i] * card.std()[c] + card.mean()[c];
      }
      return px;
    }

    static ProgressListener listener(Progress bar) {
      return (done, total) -> bar.stepTo(done);
    }

    /** The overlays, .npy maps, grid.png and explanations.json of the shared writer; one line per map. */
    static void write(CommandLine cl, Path out, Images inputs, List<Explanation> all) {
      ExplanationWriter.Written w = new ExplanationWriter(out, CliSupport.display(cl, all))
          .write(inputs.names(), inputs.shown(), all);
      ExplainSupport.report(out, inputs.names(), all, w);
    }
  }
}
