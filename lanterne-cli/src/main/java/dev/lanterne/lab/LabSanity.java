package dev.lanterne.lab;

import dev.lanterne.image.PanelGrid;
import dev.lanterne.metrics.Evaluation;
import dev.lanterne.metrics.Spearman;
import dev.lanterne.metrics.WeightRandomizer;
import dev.lanterne.onnx.proto.Onnx;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The cascading model-randomisation sanity check (Adebayo et al. 2018) on one photo, computed once
 * per method and shared by the experiments that report it (Grad-CAM against saliency, and the
 * summary of every method): the Spearman correlation of the map on the model with its top layers
 * randomised against the map on the original, at each level of the settings.
 */
final class LabSanity {
  /** The photo the sanity check runs on, with a box for its class. */
  static final String PHOTO = "coffee.png";

  /** One method's cascade: a correlation per level (NaN where skipped) and the figure's row. */
  record Result(double[] rho, List<PanelGrid.Panel> panels) {}

  private final LabContext ctx;
  private final Map<String, Result> done = new LinkedHashMap<>();
  private List<Onnx.ModelProto> randomised;

  LabSanity(LabContext ctx) {
    this.ctx = ctx;
  }

  /** The level names: "1", "3", ..., "all". */
  static List<String> levelNames(LabSettings s) {
    return s.sanityLevels().stream().map(k -> k == 0 ? "all" : String.valueOf(k)).toList();
  }

  /** Whether this method runs the check at the level (perturbation methods only at the last, if at all). */
  static boolean perturbation(String method) {
    return method.equals("rise") || method.equals("occlusion");
  }

  /**
   * The cascade of one method, from its map on the original model (its row on {@link #PHOTO});
   * null when the settings skip the perturbation methods.
   */
  Result run(LabMethods.Method m, Evaluation.Row original, Experiment.Progress progress) {
    Result cached = done.get(m.name());
    List<Integer> levels = ctx.settings().sanityLevels();
    if (cached != null) {
      progress.step(levels.size());
      return cached;
    }
    boolean perturbation = perturbation(m.name());
    if (perturbation && !ctx.settings().sanityPerturbation()) {
      progress.step(levels.size());
      return null;
    }
    var shown = ctx.prepared(PHOTO).shown();
    float[] base = original.explanation().map().data();
    int[] cls = {original.classIndex()};
    double[] rho = new double[levels.size()];
    List<PanelGrid.Panel> row = new ArrayList<>();
    row.add(Figures.panel(Figures.overlay(shown, original.explanation()), String.format(Locale.ROOT,
        "%s · %d %s · original model", m.name(), original.classIndex(), original.label())));
    long t0 = System.nanoTime();
    List<Onnx.ModelProto> models = randomised();
    for (int i = 0; i < levels.size(); i++) {
      if (perturbation && levels.get(i) != 0) {
        rho[i] = Double.NaN;
        row.add(null);
        progress.step(1);
        continue;
      }
      try (Evaluation.Method method = m.factory().open(models.get(i))) {
        var e = method.explain(ctx.prepared(PHOTO).tensor(), cls, 0).get(0);
        rho[i] = Spearman.correlation(base, e.map().data());
        row.add(Figures.panel(Figures.overlay(shown, e), String.format(Locale.ROOT, "%s · %s random · rho %.2f",
            m.name(), levels.get(i) == 0 ? "all layers" : "top " + levels.get(i), rho[i])));
      }
      progress.step(1);
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    ctx.addTime("sanity check (" + m.name() + ")", seconds);
    ctx.verbose("sanity: %s in %.1f s", m.name(), seconds);
    Result r = new Result(rho, row);
    done.put(m.name(), r);
    return r;
  }

  private List<Onnx.ModelProto> randomised() {
    if (randomised == null) {
      Onnx.ModelProto proto = ctx.main().proto();
      int layers = WeightRandomizer.layersFromOutput(proto).size();
      randomised = new ArrayList<>();
      for (int k : ctx.settings().sanityLevels()) {
        randomised.add(WeightRandomizer.randomizeTop(proto, k == 0 ? layers : Math.min(k, layers), ctx.seed(43)));
      }
    }
    return randomised;
  }

  /** Drops the randomised models' compiled graphs (after the last experiment that needs them). */
  void forget() {
    if (randomised != null) {
      randomised.forEach(ctx.graphs()::forget);
    }
  }
}
