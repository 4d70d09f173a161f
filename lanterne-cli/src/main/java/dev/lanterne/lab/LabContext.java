package dev.lanterne.lab;

import dev.lanterne.LanterneException;
import dev.lanterne.image.Preprocessor;
import dev.lanterne.metrics.BoxAnnotations;
import dev.lanterne.metrics.Evaluation;
import dev.lanterne.metrics.PointingGame;
import dev.lanterne.model.Labels;
import dev.lanterne.runtime.RuntimeOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What every experiment shares: the settings, the two pretrained models (MobileNetV2 1.0 224 QDQ,
 * the main one, and MobileNetV1 0.25 128), the photos that may appear in the results, the compiled
 * gradient graphs and the results folder.
 */
final class LabContext implements AutoCloseable {
  static final String MAIN_MODEL = "mobilenetv2-1.0-224-qdq.onnx";
  static final String SMALL_MODEL = "mobilenetv1-0.25-128.onnx";
  /** The photos ../shared/README.md allows in results/. */
  static final List<String> PHOTOS = List.of("cat.png", "coffee.png", "astronaut.png", "rocket.jpg");

  private final LabSettings settings;
  private final Path shared;
  private final Path out;
  private final LabModel main;
  private final LabModel small;
  private final GradientGraphs graphs = new GradientGraphs();
  private final Map<String, Preprocessor.Prepared> photos = new LinkedHashMap<>();
  private final PrintStream log;
  private final BoxAnnotations boxes = Boxes.read();
  private final Map<String, List<Evaluation.Row>> topClassRows = new LinkedHashMap<>();
  private final Map<String, Double> partSeconds = new LinkedHashMap<>();
  private final LabSanity sanity = new LabSanity(this);

  private LabContext(LabSettings settings, Path shared, Path out, LabModel main, LabModel small, PrintStream log) {
    this.settings = settings;
    this.shared = shared;
    this.out = out;
    this.main = main;
    this.small = small;
    this.log = log;
  }

  /**
   * Checks the shared data, opens both models and prepares the photos for the main model.
   *
   * @param log where --verbose lines go, or null for none
   */
  static LabContext open(LabSettings settings, Path shared, Path out, PrintStream log) {
    if (!Files.isDirectory(shared.resolve("models")) || !Files.isDirectory(shared.resolve("images"))) {
      throw new LanterneException("shared data folder " + shared + " not found (it needs models/ and images/);"
          + " pass --shared DIR pointing at the shared folder");
    }
    for (String p : PHOTOS) {
      LabModel.requireFile(shared.resolve("images").resolve(p), "photo");
    }
    Path labelFile = shared.resolve("models").resolve("imagenet-classes.txt");
    LabModel.requireFile(labelFile, "label file");
    Labels labels;
    try {
      labels = Labels.read(labelFile);
    } catch (IOException e) {
      throw new LanterneException("cannot read " + labelFile + ": " + e.getMessage(), e);
    }
    RuntimeOptions runtime = RuntimeOptions.DEFAULT;
    LabModel main = LabModel.open(shared.resolve("models").resolve(MAIN_MODEL), labels, runtime);
    LabModel small;
    try {
      small = LabModel.open(shared.resolve("models").resolve(SMALL_MODEL), labels, runtime);
    } catch (RuntimeException e) {
      main.close();
      throw e;
    }
    LabContext ctx = new LabContext(settings, shared, out, main, small, log);
    for (String p : PHOTOS) {
      ctx.photos.put(p, main.prepare(ctx.photo(p)));
    }
    return ctx;
  }

  LabSettings settings() {
    return settings;
  }

  LabModel main() {
    return main;
  }

  LabModel small() {
    return small;
  }

  GradientGraphs graphs() {
    return graphs;
  }

  /** The sanity check, each method's cascade computed once. */
  LabSanity sanity() {
    return sanity;
  }

  LabMethods methods() {
    return new LabMethods(main, graphs);
  }

  /** A photo's file in the shared folder. */
  Path photo(String name) {
    return shared.resolve("images").resolve(name);
  }

  /** A photo prepared for the main model (its picture at 224x224 and its normalised tensor). */
  Preprocessor.Prepared prepared(String name) {
    return photos.get(name);
  }

  /** A folder of the results for one experiment. */
  LabOutput output(String folder) {
    return new LabOutput(out, folder);
  }

  /** A sub-seed for one use, so experiments do not share random streams. */
  long seed(int use) {
    return settings.seed() * 1_000_003L + use;
  }

  /** The lead's boxes for the pointing game (model input coordinates of the main model). */
  BoxAnnotations boxes() {
    return boxes;
  }

  /**
   * Scores maps of one method on some images: deletion/insertion on the main model, the pointing
   * game, time, and the anchors' other metrics (infidelity, ROAD, sparseness, complexity).
   */
  List<Evaluation.Row> evaluate(LabMethods.Method m, List<Evaluation.Image> images, Experiment.Progress progress) {
    return evaluate(m, images, progress, true);
  }

  /**
   * As above; without the other metrics when withMetrics is false (the sweeps show deletion,
   * insertion and pointing only, and ROAD's imputation would cost more than the maps).
   */
  List<Evaluation.Row> evaluate(LabMethods.Method m, List<Evaluation.Image> images, Experiment.Progress progress,
      boolean withMetrics) {
    int pixelsPerStep = withMetrics ? settings.pixelsPerStep() : settings.sweepPixelsPerStep();
    Evaluation e = new Evaluation(main.proto(), main.curves(pixelsPerStep), boxes,
        new PointingGame(PointingGame.TORCHRAY_TOLERANCE), null, withMetrics ? new dev.lanterne.metrics.Faithfulness(
            main.classifier()::run, main.chw(), main.card().outputsProbabilities(),
            faithfulness()) : null);
    long t0 = System.nanoTime();
    List<Evaluation.Row> rows = e.run(m.name(), m.factory(), images, row -> progress.step(1));
    double total = (System.nanoTime() - t0) / 1e9;
    double explaining = rows.stream().mapToDouble(Evaluation.Row::millis).sum() / 1000;
    addTime("explanations (" + m.name() + ")", explaining);
    addTime(withMetrics ? "deletion/insertion, ROAD and infidelity scoring" : "deletion/insertion scoring (sweeps)",
        total - explaining);
    return rows;
  }

  /** The anchors' other metrics; the quick run scores ROAD at 50% removed only (its imputation dominates). */
  private dev.lanterne.metrics.Faithfulness.Settings faithfulness() {
    dev.lanterne.metrics.Faithfulness.Settings d = dev.lanterne.metrics.Faithfulness.Settings.DEFAULTS;
    if (settings.quick()) {
      d = new dev.lanterne.metrics.Faithfulness.Settings(false, d.infidelity(), d.sensitivityMax(),
          new dev.lanterne.metrics.Road.Settings(new double[] {0.5}, 0.01, 0));
    }
    return d.withSeed(seed(44));
  }

  /** Adds to the time spent in one part of the lab (shown in the README's timing table). */
  void addTime(String part, double seconds) {
    partSeconds.merge(part, seconds, Double::sum);
  }

  Map<String, Double> partSeconds() {
    return Map.copyOf(partSeconds);
  }

  /** Every photo with the main model's top-1 class. */
  List<Evaluation.Image> topClassImages() {
    List<Evaluation.Image> out = new ArrayList<>();
    for (String p : PHOTOS) {
      float[] x = prepared(p).tensor();
      out.add(new Evaluation.Image(p, x, new int[] {top1(main.probabilities(x))}));
    }
    return out;
  }

  private static int top1(float[] probabilities) {
    return dev.lanterne.explain.Target.topK(probabilities, 0, probabilities.length, 1)[0];
  }

  /**
   * One method's rows on every photo's top-1 class, computed once and shared by the experiments
   * that show the same maps (the saliency comparison and the summary table).
   */
  List<Evaluation.Row> topClassRows(LabMethods.Method m, Experiment.Progress progress) {
    List<Evaluation.Row> rows = topClassRows.get(m.name());
    if (rows == null) {
      rows = evaluate(m, topClassImages(), progress);
      topClassRows.put(m.name(), rows);
    } else {
      progress.step(rows.size());
    }
    return rows;
  }

  void verbose(String format, Object... args) {
    if (log != null) {
      log.printf(format + "%n", args);
    }
  }

  @Override
  public void close() {
    main.close();
    small.close();
  }
}
