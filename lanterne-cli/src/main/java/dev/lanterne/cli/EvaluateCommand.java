package dev.lanterne.cli;

import dev.lanterne.console.Progress;

import dev.lanterne.explain.LanternModel;
import dev.lanterne.explain.Settings;
import dev.lanterne.methods.MethodInfo;
import dev.lanterne.methods.Methods;

import dev.lanterne.explain.Images;

import dev.lanterne.explain.ModelDescription;

import dev.lanterne.LanterneException;
import dev.lanterne.explain.Explanation;
import dev.lanterne.metrics.BoxAnnotations;
import dev.lanterne.metrics.DeletionInsertion;
import dev.lanterne.metrics.Evaluation;
import dev.lanterne.metrics.EvaluationReport;
import dev.lanterne.metrics.Faithfulness;
import dev.lanterne.metrics.PointingGame;
import dev.lanterne.metrics.SanityCheck;
import dev.lanterne.metrics.Substrate;
import dev.lanterne.runtime.Classifier;
import dev.lanterne.tensor.Npy;
import dev.lanterne.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/**
 * `lanterne evaluate`: runs explanation methods on images and scores every map by deletion and
 * insertion AUC (and the pointing game with --boxes, the sanity check with --sanity), writing
 * evaluation.json, evaluation.csv and the curves as PNG.
 */
public final class EvaluateCommand implements Command {
  private final Methods methods;

  public EvaluateCommand() {
    this(ExplainSupport.METHODS);
  }

  EvaluateCommand(Methods methods) {
    this.methods = methods;
  }

  @Override
  public String name() {
    return "evaluate";
  }

  @Override
  public String summary() {
    return "score explanation methods: deletion/insertion AUC, ROAD, infidelity, complexity, sparseness, pointing"
        + " game, sanity check; JSON, CSV, curve plots";
  }

  @Override
  public Options options() {
    Options o = CommonOptions.standard(true);
    o.addOption(Option.builder().longOpt("methods").hasArg().argName("LIST")
        .desc("comma-separated methods: " + String.join(",", methods.names())).build());
    o.addOption(Option.builder().longOpt("map").hasArgs().argName("NPY...")
        .desc("score maps that already exist instead of (or besides) running methods: float32 .npy [H,W] for one"
            + " image, or [N,H,W] with one map per image; each file is a row named after its file").build());
    o.addOption(Option.builder().longOpt("step").hasArg().argName("PIXELS")
        .desc("deletion/insertion: pixels changed per step (default H*W/224: 224 at 224x224)").build());
    o.addOption(Option.builder().longOpt("deletion-substrate").hasArg().argName("S")
        .desc("what deleted pixels become: black (default), gray, mean, blur").build());
    o.addOption(Option.builder().longOpt("insertion-substrate").hasArg().argName("S")
        .desc("what insertion starts from: blur (default, 11x11 sigma 5), black, gray, mean").build());
    o.addOption(Option.builder().longOpt("boxes").hasArg().argName("FILE")
        .desc("pointing-game boxes: [{\"image\": \"cat.png\", \"class\": 285, \"boxes\": [[x0,y0,x1,y1]]}]"
            + " in model input pixels").build());
    o.addOption(Option.builder().longOpt("tolerance").hasArg().argName("PIXELS")
        .desc("pointing-game tolerance (default 15, as TorchRay; 0: the maximum itself)").build());
    o.addOption(Option.builder().longOpt("sanity").hasArg().argName("LAYERS")
        .desc("sanity check: randomise this many layers from the output, cumulatively (a number, or all)")
        .build());
    o.addOption(Option.builder().longOpt("sensitivity")
        .desc("also score max-sensitivity (Captum's sensitivity_max: 10 more explanations per map)").build());
    return SettingFlags.add(o, methods.settings());
  }

  /** Everything the flags decide, checked before any long work starts. */
  private record Plan(List<MethodInfo> methods, Settings settings, DeletionInsertion.Settings curves, BoxAnnotations boxes,
      int tolerance, int sanityLayers, long seed) {}

  private Plan plan(CommandLine cl, ModelDescription spec) {
    if (!cl.hasOption("methods") && !cl.hasOption("map")) {
      throw LanterneException.usage("evaluate needs --methods (to compute maps) or --map (maps as .npy)");
    }
    if (cl.hasOption("map") && cl.hasOption("sanity")) {
      throw LanterneException.usage("--sanity recomputes maps on randomised models; it needs --methods, not --map");
    }
    DeletionInsertion.Settings curves = new DeletionInsertion.Settings(
        CliSupport.intOption(cl, "step", 0, 1, Integer.MAX_VALUE),
        Substrate.parse(cl.getOptionValue("deletion-substrate", "black")),
        Substrate.parse(cl.getOptionValue("insertion-substrate", "blur")), spec.runtime().maxBatch());
    List<MethodInfo> chosen = cl.hasOption("methods") ? methods.parse(cl.getOptionValue("methods")) : List.of();
    Settings settings = SettingFlags.read(cl, ExplainSupport.settings(chosen), CliSupport.seed(cl));
    for (MethodInfo m : chosen) {
      m.check(settings);
    }
    return new Plan(chosen, settings, curves,
        cl.hasOption("boxes") ? readBoxes(Path.of(cl.getOptionValue("boxes"))) : null,
        CliSupport.intOption(cl, "tolerance", PointingGame.TORCHRAY_TOLERANCE, 0, 10_000), sanityLayers(cl),
        CliSupport.seed(cl));
  }

  @Override
  public int run(CommandLine cl) {
    ModelDescription spec = CliSupport.model(cl);
    Plan plan = plan(cl, spec);
    Images inputs = CliSupport.inputs(cl, spec);
    Path out = CliSupport.outDir(cl, null);
    int[] chw = spec.inputShape();

    List<Evaluation.Image> images = new ArrayList<>();
    List<Evaluation.Row> rows = new ArrayList<>();
    try (LanternModel model = spec.open()) {
      Classifier classifier = model.classifier();
      int[][] classes = CliSupport.target(cl).resolve(model, inputs);
      for (int i = 0; i < inputs.size(); i++) {
        images.add(new Evaluation.Image(inputs.names().get(i), inputs.tensor(i), classes[i]));
      }
      DeletionInsertion curves = DeletionInsertion.of(classifier::run, chw, spec.card(), plan.curves());
      Evaluation evaluation = new Evaluation(model.proto(), curves, plan.boxes(), new PointingGame(plan.tolerance()),
          plan.sanityLayers() < 0 ? null : new SanityCheck(plan.seed(), plan.sanityLayers()),
          new Faithfulness(classifier::run, chw, spec.card().outputsProbabilities(),
              Faithfulness.Settings.DEFAULTS.withSeed(plan.seed()).withSensitivity(cl.hasOption("sensitivity"))));
      List<String> mapFiles = cl.hasOption("map") ? List.of(cl.getOptionValues("map")) : List.of();
      long total = (long) (plan.methods().size() + mapFiles.size())
          * images.stream().mapToInt(im -> im.classes().length).sum();
      try (Progress bar = Progress.start("evaluate", total, "maps")) {
        for (MethodInfo m : plan.methods()) {
          rows.addAll(evaluation.run(m.name(), m.evaluationFactory(model, plan.settings()), images,
              row -> bar.step()));
        }
        for (String file : mapFiles) {
          rows.addAll(evaluation.run(mapName(file), givenMaps(Path.of(file), chw, images.size(), spec), images,
              row -> bar.step()));
        }
      }
      EvaluationReport.write(out, settings(cl, spec, plan, images, curves.pixelsPerStep()), rows);
    }
    System.out.print(EvaluationReport.summaryTable(rows));
    System.out.println("wrote " + CliSupport.shown(out.resolve(EvaluationReport.JSON)) + ", "
        + CliSupport.shown(out.resolve(EvaluationReport.CSV)) + " and " + rows.size() + " curve plots in "
        + CliSupport.shown(out.resolve(EvaluationReport.CURVES)));
    return 0;
  }

  /** A map file's row name: its file name without .npy. */
  static String mapName(String file) {
    String name = Path.of(file).getFileName().toString();
    return name.endsWith(".npy") ? name.substring(0, name.length() - 4) : name;
  }

  /**
   * The "method" of maps that already exist: a [H,W] map (one image) or [N,H,W] (map n for image
   * n), checked against the model's input size, returned for every class asked.
   */
  static Evaluation.MethodFactory givenMaps(Path file, int[] chw, int images, ModelDescription spec) {
    if (!Files.isRegularFile(file)) {
      throw LanterneException.usage("map file " + file + " does not exist");
    }
    Tensor t = Npy.read(file);
    int[] shape = t.shape();
    int h = chw[1];
    int w = chw[2];
    boolean single = shape.length == 2 && shape[0] == h && shape[1] == w;
    boolean stacked = shape.length == 3 && shape[0] == images && shape[1] == h && shape[2] == w;
    if (!single && !stacked) {
      throw LanterneException.usage("map " + file + " has shape " + java.util.Arrays.toString(shape) + "; expected ["
          + h + "," + w + "] (the model's input size)" + " or [" + images + "," + h + "," + w + "] (one per image)");
    }
    if (single && images != 1) {
      throw LanterneException.usage("map " + file + " is one [H,W] map but " + images + " images were given;"
          + " stack one map per image as [N,H,W]");
    }
    float[] data = t.data();
    String name = mapName(file.toString());
    return model -> (image, classes, index) -> {
      float[] map = java.util.Arrays.copyOfRange(data, index * h * w, (index + 1) * h * w);
      List<Explanation> out = new ArrayList<>();
      for (int c : classes) {
        out.add(new Explanation(index, name, c, spec.labels().get(c), Float.NaN, Float.NaN,
            new Tensor(map.clone(), new int[] {h, w}), null, Map.of("file", file.toString())));
      }
      return out;
    };
  }

  /** The run's parameters for evaluation.json, so a result can be reproduced. */
  private static Map<String, Object> settings(CommandLine cl, ModelDescription spec, Plan plan,
      List<Evaluation.Image> images, int pixelsPerStep) {
    Map<String, Object> settings = new LinkedHashMap<>();
    settings.put("model", spec.path().getFileName().toString());
    settings.put("modelSha256", spec.sha256());
    settings.put("input", spec.inputShape());
    settings.put("mean", spec.card().mean());
    settings.put("std", spec.card().std());
    settings.put("methods", plan.methods().stream().map(MethodInfo::name).toList());
    settings.put("methodSettings", new java.util.TreeMap<>(plan.settings().values()));
    if (cl.hasOption("map")) {
      settings.put("maps", List.of(cl.getOptionValues("map")));
    }
    settings.put("images", images.stream().map(Evaluation.Image::name).toList());
    settings.put("pixelsPerStep", pixelsPerStep);
    settings.put("deletionSubstrate", plan.curves().deletionSubstrate().cliName());
    settings.put("insertionSubstrate", plan.curves().insertionSubstrate().cliName());
    settings.put("score", spec.card().outputsProbabilities() ? "model probability" : "softmax probability");
    if (plan.boxes() != null) {
      settings.put("boxes", cl.getOptionValue("boxes"));
      settings.put("tolerance", plan.tolerance());
    }
    if (plan.sanityLayers() >= 0) {
      settings.put("sanityLayers", plan.sanityLayers() == 0 ? "all" : plan.sanityLayers());
    }
    settings.put("metrics", Map.of("infidelity", "Captum, 10 Gaussian perturbations (std 0.1, normalised input) per"
        + " pixel, normalized", "road", "pytorch-grad-cam, noisy linear imputation, 10%..90% removed",
        "complexity", "Quantus: entropy of |map| / sum", "sparseness", "Quantus: Gini index of |map|",
        "sensitivityMax", cl.hasOption("sensitivity") ? "Captum, 10 uniform perturbations, radius 0.02" : "off"));
    settings.put("seed", plan.seed());
    settings.put("arguments", commandLine(cl));
    return settings;
  }

  private static BoxAnnotations readBoxes(Path file) {
    if (!Files.isRegularFile(file)) {
      throw LanterneException.usage("box file " + file + " does not exist; check the --boxes path");
    }
    return BoxAnnotations.read(file);
  }

  /** -1: no sanity check; 0: all layers; else that many. */
  private static int sanityLayers(CommandLine cl) {
    if (!cl.hasOption("sanity")) {
      return -1;
    }
    if (cl.getOptionValue("sanity").strip().equalsIgnoreCase("all")) {
      return 0;
    }
    return CliSupport.intOption(cl, "sanity", 0, 1, 100_000);
  }

  private static List<String> commandLine(CommandLine cl) {
    List<String> args = new ArrayList<>();
    for (Option o : cl.getOptions()) {
      args.add("--" + o.getLongOpt());
      if (o.getValues() != null) {
        args.addAll(List.of(o.getValues()));
      }
    }
    return args;
  }
}
