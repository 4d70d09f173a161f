package dev.lanterne.metrics;

import dev.lanterne.explain.Explanation;
import dev.lanterne.onnx.proto.Onnx;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Scores explanation methods on a set of images: for every image, method and class, the deletion
 * and insertion curves and AUCs, the time the explanation took, a pointing-game hit where boxes are
 * known, and optionally the sanity-check correlation. The CLI's `evaluate` and the lab both run it.
 */
public final class Evaluation {
  /** An explanation method ready to run on one model. */
  public interface Method extends AutoCloseable {
    /**
     * @param image one normalised input [C,H,W]
     * @param classes the classes to explain
     * @param imageIndex recorded in the explanations
     * @return one explanation per class, maps [H,W] at the model's input size
     */
    List<Explanation> explain(float[] image, int[] classes, int imageIndex);

    @Override
    default void close() {}
  }

  /** Opens a method on a model: the original for the scores, randomised ones for the sanity check. */
  @FunctionalInterface
  public interface MethodFactory {
    /** Opens the method on this model; the caller closes what it returns. */
    Method open(Onnx.ModelProto model);
  }

  /**
   * An input image.
   *
   * @param name its file name, matched against the boxes
   * @param tensor the normalised input [C,H,W]
   * @param classes the classes to explain
   */
  public record Image(String name, float[] tensor, int[] classes) {}

  /**
   * One image, method and class.
   *
   * @param image the image's name
   * @param method the method's name
   * @param classIndex the class explained
   * @param label the class's label (may be empty)
   * @param millis the explanation's time; a call that explains several classes at once is shared
   *     equally among them
   * @param curveMillis the time both games took (deletion and insertion)
   * @param pointing the pointing game's result, empty when no boxes are known for this image and class
   * @param sanity the sanity check's cascade, empty unless asked for
   * @param deletion the deletion curve
   * @param insertion the insertion curve
   * @param explanation the explanation scored
   * @param metrics the {@link Faithfulness} metrics computed, by {@link Faithfulness#NAMES} name
   */
  public record Row(String image, String method, int classIndex, String label, double millis, double curveMillis,
      CausalCurve deletion, CausalCurve insertion, Optional<PointingGame.Point> pointing,
      Optional<SanityCheck.Result> sanity, Explanation explanation, Map<String, Double> metrics) {
    /** Copies the metrics into an unmodifiable map (empty when null). */
    public Row {
      metrics = metrics == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
    }

    /** A row without the {@link Faithfulness} metrics. */
    public Row(String image, String method, int classIndex, String label, double millis, double curveMillis,
        CausalCurve deletion, CausalCurve insertion, Optional<PointingGame.Point> pointing,
        Optional<SanityCheck.Result> sanity, Explanation explanation) {
      this(image, method, classIndex, label, millis, curveMillis, deletion, insertion, pointing, sanity, explanation,
          Map.of());
    }

    /** Area under the deletion curve (lower is better). */
    public double deletionAuc() {
      return deletion.auc();
    }

    /** Area under the insertion curve (higher is better). */
    public double insertionAuc() {
      return insertion.auc();
    }
  }

  /** Called after each row, e.g. to advance a progress bar. */
  @FunctionalInterface
  public interface Listener {
    /** Called with each row as soon as it is scored, on the thread that runs the evaluation. */
    void rowDone(Row row);
  }

  private final Onnx.ModelProto model;
  private final DeletionInsertion curves;
  private final BoxAnnotations boxes;
  private final PointingGame pointing;
  private final SanityCheck sanity;
  private final Faithfulness faithfulness;

  /**
   * @param model the model the methods explain (randomised copies of it feed the sanity check)
   * @param curves the deletion/insertion games on that model
   * @param boxes ground truth for the pointing game, or null
   * @param pointing the pointing game's settings
   * @param sanity the sanity check to run on every row, or null for none
   */
  public Evaluation(Onnx.ModelProto model, DeletionInsertion curves, BoxAnnotations boxes, PointingGame pointing,
      SanityCheck sanity) {
    this(model, curves, boxes, pointing, sanity, null);
  }

  /**
   * As above, also scoring every map with the anchors' other metrics.
   *
   * @param faithfulness infidelity, ROAD, complexity, sparseness (and max-sensitivity), or null for none
   */
  public Evaluation(Onnx.ModelProto model, DeletionInsertion curves, BoxAnnotations boxes, PointingGame pointing,
      SanityCheck sanity, Faithfulness faithfulness) {
    this.model = model;
    this.curves = curves;
    this.boxes = boxes;
    this.pointing = pointing;
    this.sanity = sanity;
    this.faithfulness = faithfulness;
  }

  /** Runs one method over every image, in order. */
  public List<Row> run(String method, MethodFactory factory, List<Image> images, Listener listener) {
    List<Row> rows = new ArrayList<>();
    try (Method m = factory.open(model)) {
      for (int i = 0; i < images.size(); i++) {
        Image img = images.get(i);
        long t0 = System.nanoTime();
        List<Explanation> exps = m.explain(img.tensor(), img.classes(), i);
        double millis = (System.nanoTime() - t0) / 1e6 / Math.max(1, exps.size());
        for (Explanation e : exps) {
          Row row = score(method, factory, m, img, i, e, millis);
          rows.add(row);
          listener.rowDone(row);
        }
      }
    }
    return rows;
  }

  private Row score(String method, MethodFactory factory, Method open, Image img, int index, Explanation e,
      double millis) {
    float[] map = e.map().data();
    long t0 = System.nanoTime();
    DeletionInsertion.Result r = curves.evaluate(img.tensor(), map, e.classIndex());
    double curveMillis = (System.nanoTime() - t0) / 1e6;
    Optional<PointingGame.Point> point = Optional.empty();
    if (boxes != null) {
      point = boxes.boxes(img.name(), e.classIndex()).map(b -> pointing.play(map, e.height(), e.width(), b));
    }
    Optional<SanityCheck.Result> check = Optional.empty();
    if (sanity != null) {
      int[] cls = {e.classIndex()};
      check = Optional.of(sanity.run(model, randomised -> {
        try (Method m = factory.open(randomised)) {
          return m.explain(img.tensor(), cls, index).get(0).map().data();
        }
      }));
    }
    Map<String, Double> metrics = Map.of();
    if (faithfulness != null) {
      int[] cls = {e.classIndex()};
      metrics = faithfulness.score(img.tensor(), map, e.classIndex(),
          x -> open.explain(x, cls, index).get(0).map().data());
    }
    return new Row(img.name(), method, e.classIndex(), e.label(), millis, curveMillis, r.deletion(), r.insertion(),
        point, check, e, metrics);
  }

  /**
   * Means per method over its rows; NaN where no row has the value.
   *
   * @param method the method's name
   * @param rows how many rows it had
   * @param deletionAuc mean deletion AUC
   * @param insertionAuc mean insertion AUC
   * @param millis mean explanation time per row, in milliseconds
   * @param pointing pointing-game hits over the rows that have boxes
   * @param sanitySpearman mean final Spearman correlation of the sanity check
   * @param metrics mean of each {@link Faithfulness} metric over the rows that have it
   */
  public record Summary(String method, int rows, double deletionAuc, double insertionAuc, double millis,
      PointingGame.Tally pointing, double sanitySpearman, Map<String, Double> metrics) {
    /** A summary without the {@link Faithfulness} metrics. */
    public Summary(String method, int rows, double deletionAuc, double insertionAuc, double millis,
        PointingGame.Tally pointing, double sanitySpearman) {
      this(method, rows, deletionAuc, insertionAuc, millis, pointing, sanitySpearman, Map.of());
    }
  }

  /**
   * One summary per method, in the order the methods first appear in the rows; a mean over no value is NaN.
   */
  public static List<Summary> summarize(List<Row> rows) {
    List<String> methods = rows.stream().map(Row::method).distinct().toList();
    List<Summary> out = new ArrayList<>();
    for (String m : methods) {
      List<Row> mine = rows.stream().filter(r -> r.method().equals(m)).toList();
      PointingGame.Tally tally = PointingGame.Tally.EMPTY;
      for (Row r : mine) {
        if (r.pointing().isPresent()) {
          tally = tally.add(r.pointing().get().hit());
        }
      }
      double[] sanity = mine.stream().filter(r -> r.sanity().isPresent())
          .mapToDouble(r -> r.sanity().get().finalSpearman()).toArray();
      out.add(new Summary(m, mine.size(), mine.stream().mapToDouble(Row::deletionAuc).average().orElse(Double.NaN),
          mine.stream().mapToDouble(Row::insertionAuc).average().orElse(Double.NaN),
          mine.stream().mapToDouble(Row::millis).average().orElse(Double.NaN), tally,
          sanity.length == 0 ? Double.NaN : Arrays.stream(sanity).average().orElse(Double.NaN),
          metricMeans(mine)));
    }
    return out;
  }

  /** Mean of each {@link Faithfulness} metric over the rows that have it, in {@link Faithfulness#NAMES} order. */
  private static Map<String, Double> metricMeans(List<Row> rows) {
    Map<String, Double> out = new LinkedHashMap<>();
    for (String name : Faithfulness.NAMES) {
      double[] v = rows.stream().filter(r -> r.metrics().containsKey(name)).mapToDouble(r -> r.metrics().get(name))
          .toArray();
      if (v.length > 0) {
        out.put(name, Arrays.stream(v).average().orElse(Double.NaN));
      }
    }
    return out;
  }
}
