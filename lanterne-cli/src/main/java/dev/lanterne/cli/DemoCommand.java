package dev.lanterne.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lanterne.demo.ShapeKind;
import dev.lanterne.demo.ShapeSample;
import dev.lanterne.demo.Shapes;
import dev.lanterne.explain.Explanation;
import dev.lanterne.explain.ExplanationWriter;
import dev.lanterne.explain.Images;
import dev.lanterne.explain.LanternModel;
import dev.lanterne.explain.Prediction;
import dev.lanterne.explain.Settings;
import dev.lanterne.explain.Target;
import dev.lanterne.explain.inversion.AscentTrace;
import dev.lanterne.explain.inversion.ClassInversion;
import dev.lanterne.explain.inversion.InversionOptions;
import dev.lanterne.explain.inversion.InversionOutputs;
import dev.lanterne.explain.inversion.InversionTarget;
import dev.lanterne.explain.inversion.StepListener;
import dev.lanterne.explain.perturbation.MaskSheet;
import dev.lanterne.explain.perturbation.RiseOptions;
import dev.lanterne.image.ColorMap;
import dev.lanterne.image.Overlay;
import dev.lanterne.image.PanelGrid;
import dev.lanterne.image.Png;
import dev.lanterne.methods.MethodInfo;
import dev.lanterne.metrics.BoxAnnotations;
import dev.lanterne.metrics.DeletionInsertion;
import dev.lanterne.metrics.Evaluation;
import dev.lanterne.metrics.EvaluationReport;
import dev.lanterne.metrics.Faithfulness;
import dev.lanterne.metrics.PointingGame;
import dev.lanterne.metrics.Substrate;
import dev.lanterne.tensor.AtomicFiles;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/**
 * `lanterne demo`: the main job on a built-in default. Generates one picture of each shape (with its
 * true object box), classifies them with the bundled demo model, explains them with every method,
 * scores the explanations, and writes an overview grid and a summary to lanterne-out/demo/ (--out
 * results/demo refreshes the committed copy). Each step calls the library as a program embedding it
 * would: one {@link LanternModel}, the methods from {@link ExplainSupport#METHODS}, {@link Evaluation},
 * {@link ClassInversion}.
 */
public final class DemoCommand implements Command {
  /** Seeds 1 and 2 made the demo model's training and test sets; the demo draws from another set. */
  static final long PICTURE_SET = 7;
  /** Where the demo writes without --out: outside the committed results/. */
  static final String DEFAULT_OUT = "lanterne-out/demo";
  static final List<String> GRADIENT_METHODS = List.of("saliency", "smoothgrad", "integrated-gradients", "gradcam",
      "gradcam++", "guided-gradcam");
  static final List<String> SCORED_METHODS = List.of("saliency", "smoothgrad", "integrated-gradients", "gradcam",
      "gradcam++", "rise", "occlusion", "edges", "random");
  static final int INVERSION_STEPS = 150;

  @Override
  public String name() {
    return "demo";
  }

  @Override
  public String summary() {
    return "classify and explain generated shapes with the built-in model, with every method -> " + DEFAULT_OUT;
  }

  @Override
  public Options options() {
    Options o = new Options();
    o.addOption(Option.builder().longOpt(CommonOptions.OUT).hasArg().argName("DIR")
        .desc("output folder (default " + DEFAULT_OUT + "; results/demo refreshes the committed copy)").build());
    CommonOptions.seed(o);
    o.addOption(Option.builder().longOpt("masks").hasArg().argName("N")
        .desc("RISE masks per picture (default 2000)").build());
    o.addOption(Option.builder().longOpt(CommonOptions.VERBOSE).desc("print stack traces").build());
    return o;
  }

  @Override
  public int run(CommandLine cl) {
    long seed = CliSupport.seed(cl);
    int masks = CliSupport.intOption(cl, "masks", 2000, 100, 100_000);
    Path out = CliSupport.outDir(cl, DEFAULT_OUT);

    List<ShapeSample> samples = onePerClass(new Shapes(), PICTURE_SET + seed);
    Path inputs = out.resolve("inputs");
    List<Path> files = new ArrayList<>();
    ArrayNode boxes = new ObjectMapper().createArrayNode();
    for (ShapeSample s : samples) {
      Path png = inputs.resolve(s.kind().label() + ".png");
      Png.write(png, s.image());
      files.add(png);
      ObjectNode b = boxes.addObject();
      b.put("image", png.getFileName().toString());
      b.put("class", s.label());
      ArrayNode coords = b.putArray("boxes").addArray();
      coords.add(s.box().x0()).add(s.box().y0()).add(s.box().x1()).add(s.box().y1());
    }
    Path boxFile = out.resolve("boxes.json");
    writeJson(boxFile, boxes);

    List<Evaluation.Row> scores;
    Map<String, Map<String, Explanation>> byImage = new LinkedHashMap<>();
    try (LanternModel model = LanternModel.demo()) {
      Images images = model.load(files);
      step("1/6 classify the generated pictures with the demo model");
      List<List<Prediction>> top = model.classify(images, 3);
      for (int i = 0; i < images.size(); i++) {
        System.out.println(images.names().get(i));
        for (int r = 0; r < top.get(i).size(); r++) {
          Prediction p = top.get(i).get(r);
          System.out.printf(Locale.ROOT, "  %d. %4d  %-32s p=%.4f%n", r + 1, p.classIndex(), p.label(),
              p.probability());
        }
      }
      int[][] predicted = Target.predicted().resolve(model, images);
      Settings settings = Settings.of(Map.of(), seed);

      step("2/6 gradient methods: " + String.join(", ", GRADIENT_METHODS));
      List<Explanation> gradients = explain(model, images, predicted, GRADIENT_METHODS, settings);
      write(cl, out.resolve("gradients"), images, gradients);
      step("3/6 RISE (" + masks + " masks) and occlusion (8x8 window, stride 4)");
      Settings rise = settings.with("masks", String.valueOf(masks)).with("grid", "7");
      List<Explanation> riseMaps = explain(model, images, predicted, List.of("rise"), rise);
      write(cl, out.resolve("rise"), images, riseMaps);
      RiseOptions masksShown = RiseOptions.DEFAULTS.withGrid(7).withSeed(seed);
      int[] chw = model.inputShape();
      MaskSheet.write(out.resolve("rise").resolve("masks.png"), masksShown.generator(chw[1], chw[2]), seed, 16,
          chw[1], chw[2], 8);
      Settings window = settings.with("window", "8").with("stride", "4");
      List<Explanation> occlusion = explain(model, images, predicted, List.of("occlusion"), window);
      write(cl, out.resolve("occlusion"), images, occlusion);
      for (List<Explanation> l : List.of(gradients, riseMaps, occlusion)) {
        for (Explanation e : l) {
          byImage.computeIfAbsent(images.names().get(e.image()), k -> new LinkedHashMap<>()).put(e.method(), e);
        }
      }

      step("4/6 score every method: deletion/insertion AUC and the pointing game on the true object boxes");
      scores = evaluate(model, images, predicted, boxFile, window.with("masks", String.valueOf(Math.min(masks, 1000)))
          .with("grid", "7"), out.resolve("evaluate"));
      System.out.print(EvaluationReport.summaryTable(scores));

      step("5/6 class-model inversion: what the demo model imagines each shape to be");
      invert(model, seed, out.resolve("invert"));
    }
    step("6/6 overview grid and summary");
    Path overview = writeOverview(out, samples, byImage);
    Path summary = writeSummary(out, samples, scores);
    System.out.println("\nwrote " + CliSupport.shown(overview) + " and " + CliSupport.shown(summary));
    return 0;
  }

  /** The methods' maps for every image's predicted class, ordered by image, then method. */
  private static List<Explanation> explain(LanternModel model, Images images, int[][] classes, List<String> methods,
      Settings settings) {
    List<Explanation> all = new ArrayList<>();
    for (String name : methods) {
      all.addAll(ExplainSupport.METHODS.open(name, model, settings).attribute(images, classes));
    }
    all.sort(Comparator.comparingInt(Explanation::image));
    return all;
  }

  /** Overlays, maps, explanations.json and the grid, with the per-map lines the explanation commands print. */
  private static void write(CommandLine cl, Path dir, Images images, List<Explanation> maps) {
    ExplanationWriter.Written w = new ExplanationWriter(dir, CliSupport.display(cl, maps))
        .write(images.names(), images.shown(), maps);
    ExplainSupport.report(dir, images.names(), maps, w);
  }

  /** Deletion/insertion AUC, the pointing game on the true boxes (no tolerance) and the faithfulness metrics. */
  private static List<Evaluation.Row> evaluate(LanternModel model, Images images, int[][] classes, Path boxFile,
      Settings settings, Path dir) {
    int[] chw = model.inputShape();
    DeletionInsertion.Settings curveSettings = new DeletionInsertion.Settings(16, Substrate.BLACK, Substrate.BLUR,
        model.runtime().maxBatch());
    DeletionInsertion curves = DeletionInsertion.of(model.classifier()::run, chw, model.card(), curveSettings);
    Evaluation evaluation = new Evaluation(model.proto(), curves, BoxAnnotations.read(boxFile), new PointingGame(0),
        null, new Faithfulness(model.classifier()::run, chw, model.card().outputsProbabilities(),
            Faithfulness.Settings.DEFAULTS.withSeed(settings.seed())));
    List<Evaluation.Image> scored = new ArrayList<>();
    for (int i = 0; i < images.size(); i++) {
      scored.add(new Evaluation.Image(images.names().get(i), images.tensor(i), classes[i]));
    }
    List<Evaluation.Row> rows = new ArrayList<>();
    for (String name : SCORED_METHODS) {
      MethodInfo m = ExplainSupport.METHODS.get(name);
      rows.addAll(evaluation.run(m.name(), m.evaluationFactory(model, settings), scored, row -> {}));
    }
    Map<String, Object> record = new LinkedHashMap<>();
    record.put("model", model.path().getFileName().toString());
    record.put("modelSha256", model.sha256());
    record.put("methods", SCORED_METHODS);
    record.put("methodSettings", new java.util.TreeMap<>(settings.values()));
    record.put("images", images.names());
    record.put("pixelsPerStep", curves.pixelsPerStep());
    record.put("deletionSubstrate", curveSettings.deletionSubstrate().cliName());
    record.put("insertionSubstrate", curveSettings.insertionSubstrate().cliName());
    record.put("boxes", boxFile.getFileName().toString());
    record.put("tolerance", 0);
    record.put("seed", settings.seed());
    EvaluationReport.write(dir, record, rows);
    return rows;
  }

  /** Class-model inversion of every shape from noise, 150 steps with a light blur every 4 steps. */
  private static void invert(LanternModel model, long seed, Path dir) {
    InversionOptions o = InversionOptions.defaults().toBuilder().steps(INVERSION_STEPS).blur(4, 0.5).seed(seed)
        .build();
    int[] classes = new int[ShapeKind.values().length];
    for (ShapeKind k : ShapeKind.values()) {
      classes[k.ordinal()] = k.ordinal();
    }
    InversionTarget target = InversionTarget.classes(classes);
    AscentTrace trace = new ClassInversion(model, new ClassInversion.Options(o, ClassInversion.Parameterization.PIXELS))
        .invert(target, StepListener.NONE);
    List<String> names = target.names(model.labels());
    InversionOutputs.write(dir, trace, classes, names, model.card(), "invert", InvertCommand.settings(o, model));
    for (int i = 0; i < classes.length; i++) {
      System.out.printf(Locale.ROOT, "%-32s score %.3f -> %.3f  p %.4f -> %.4f%n", names.get(i),
          trace.objective()[i][0], trace.finalObjective(i), trace.probability()[i][0], trace.finalProbability(i));
    }
  }

  /** The first picture of each class in a seeded set. */
  static List<ShapeSample> onePerClass(Shapes shapes, long setSeed) {
    Map<ShapeKind, ShapeSample> first = new LinkedHashMap<>();
    for (ShapeKind k : ShapeKind.values()) {
      first.put(k, null);
    }
    for (ShapeSample s : shapes.samples(setSeed, 200)) {
      if (first.get(s.kind()) == null) {
        first.put(s.kind(), s);
      }
    }
    List<ShapeSample> out = new ArrayList<>();
    for (ShapeSample s : first.values()) {
      if (s != null) {
        out.add(s);
      }
    }
    return out;
  }

  private static void step(String what) {
    System.out.println("\n== " + what);
  }

  /** One row per picture: the picture with its true box, then every method's map over it. */
  private static Path writeOverview(Path out, List<ShapeSample> samples,
      Map<String, Map<String, Explanation>> byImage) {
    List<List<PanelGrid.Panel>> rows = new ArrayList<>();
    for (ShapeSample s : samples) {
      List<PanelGrid.Panel> row = new ArrayList<>();
      row.add(new PanelGrid.Panel(withBox(s), "true: " + s.kind().label()));
      for (Explanation e : byImage.getOrDefault(s.kind().label() + ".png", Map.of()).values()) {
        // Captum's conventions, on the map's own scale, with its colour bar (as the saved overlays)
        Overlay.Style style = Overlay.Style.defaults();
        Overlay.Scale scale = Overlay.scale(style, e.map().data());
        BufferedImage overlay = Overlay.withColorBar(Overlay.render(s.image(), e.map().data(), s.size(), s.size(),
            style, scale), style, scale, OVERVIEW_PANEL);
        String p = Double.isNaN(e.probability()) ? ""
            : " · p\u00a0" + ExplanationWriter.probability(e.probability());
        row.add(new PanelGrid.Panel(overlay, e.method() + " · " + e.label() + p));
      }
      rows.add(row);
    }
    Path file = out.resolve("overview.png");
    Png.write(file, PanelGrid.render(rows, null, OVERVIEW_PANEL));
    return file;
  }

  /** The overview's panels are drawn at least this large, so titles and colour bars stay readable. */
  static final int OVERVIEW_PANEL = 160;

  /** The display style recorded in explanations.json, else Captum's defaults. */
  static Overlay.Style style(JsonNode display) {
    Overlay.Style d = Overlay.Style.defaults();
    if (display == null || display.isNull()) {
      return d;
    }
    Overlay.Style s = d;
    if (display.hasNonNull("mode")) {
      s = s.withMode(Overlay.Mode.parse(display.get("mode").asText()));
    }
    if (display.hasNonNull("sign")) {
      s = s.withSign(Overlay.Sign.parse(display.get("sign").asText()));
    }
    if (display.hasNonNull("clipPercent")) {
      s = s.withClipPercent(display.get("clipPercent").asDouble());
    }
    if (display.hasNonNull("colormap")) {
      s = s.withColorMap(ColorMap.parse(display.get("colormap").asText()));
    }
    return s;
  }

  /** The picture with its ground-truth box drawn in white. */
  private static BufferedImage withBox(ShapeSample s) {
    BufferedImage im = s.image();
    java.awt.Graphics2D g = im.createGraphics();
    g.setColor(java.awt.Color.WHITE);
    g.drawRect(s.box().x0(), s.box().y0(), s.box().width() - 1, s.box().height() - 1);
    g.dispose();
    return im;
  }

  private static Path writeSummary(Path out, List<ShapeSample> samples, List<Evaluation.Row> scores) {
    StringBuilder md = new StringBuilder("# Lanterne demo\n\n");
    md.append("Generated by `./lanterne demo`: one generated picture of each shape (seeded), the bundled demo model ")
        .append("(`onnx/demo/shapes.onnx`), every explanation method, and scores against the true object boxes.\n\n");
    md.append("![overview](overview.png)\n\n");
    md.append("Rows: ").append(String.join(", ", samples.stream().map(s -> s.kind().label()).toList()))
        .append(". The first column shows the true object box. Each map is drawn with Captum's conventions")
        .append(" (blended over the grey picture, the top 2% of the attribution mass saturated, inferno), on its own")
        .append(" scale, with a colour bar in the map's real values.\n\n");
    md.append("## Scores (mean over the pictures)\n\n");
    md.append("Deletion AUC: lower is better; insertion AUC: higher is better; pointing: the map's maximum ")
        .append("lies in the true box (no tolerance).\n\n");
    md.append(meanTable(Evaluation.summarize(scores)));
    md.append("\nPer picture: [evaluate/evaluation.csv](evaluate/evaluation.csv); curves in `evaluate/curves/`.\n\n");
    {
      md.append("## What the model imagines each shape to be\n\n")
          .append("Class-model inversion from noise, 150 steps with a blur every 4 steps ")
          .append("(`lanterne invert`):\n\n![inversion](invert/invert-grid.png)\n\n");
    }
    md.append("## Files\n\n- `gradients/grid.png`, `rise/grid.png`, `occlusion/grid.png`: overlays with titles\n")
        .append("- `*/explanations.json`: one entry per map (method, class, label, score, files)\n")
        .append("- `rise/masks.png`: the first RISE masks\n");
    md.append("- `invert/`: class-model inversion of each shape\n");
    Path file = out.resolve("README.md");
    AtomicFiles.write(file, md.toString().getBytes(StandardCharsets.UTF_8));
    return file;
  }

  /** Per method: mean deletion AUC, insertion AUC, pointing hits and time. */
  static String meanTable(List<Evaluation.Summary> summaries) {
    StringBuilder t = new StringBuilder("| method | deletion AUC | insertion AUC | pointing hits | ms per map |\n")
        .append("|---|---|---|---|---|\n");
    for (Evaluation.Summary s : summaries) {
      t.append(String.format(Locale.ROOT, "| %s | %.3f | %.3f | %d/%d | %.0f |%n", s.method(), s.deletionAuc(),
          s.insertionAuc(), s.pointing().hits(), s.rows(), s.millis()));
    }
    return t.toString();
  }

  private static void writeJson(Path file, JsonNode node) {
    AtomicFiles.write(file, out -> new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(out, node));
  }
}
