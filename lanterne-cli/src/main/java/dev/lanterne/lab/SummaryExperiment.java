package dev.lanterne.lab;

import dev.lanterne.explain.perturbation.OcclusionOptions;
import dev.lanterne.explain.perturbation.RiseOptions;
import dev.lanterne.image.PanelGrid;
import dev.lanterne.metrics.BaselineMaps;
import dev.lanterne.metrics.CurvePlot;
import dev.lanterne.metrics.Evaluation;
import dev.lanterne.metrics.Faithfulness;
import dev.lanterne.metrics.PointingGame;
import dev.lanterne.metrics.Spearman;
import dev.lanterne.metrics.WeightRandomizer;
import dev.lanterne.onnx.proto.Onnx;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Experiment 4: every method on the same photos (each photo's top-1 class): deletion and insertion
 * AUC, pointing-game hits where boxes exist, time per map, and the cascading model-randomisation
 * sanity check (Spearman correlation of the map on the randomised model with the original).
 */
final class SummaryExperiment implements Experiment {
  /** The photo the sanity check runs on, with a box for its class. */
  static final String SANITY_PHOTO = "coffee.png";

  @Override
  public String id() {
    return "summary";
  }

  @Override
  public long units(LabSettings s) {
    return (long) (methodCount() + 2) * LabContext.PHOTOS.size() + (long) methodCount() * s.sanityLevels().size();
  }

  static final String RANDOM = "random map";
  static final String CENTRE = "centre map";

  /**
   * The yardsticks: a uniform random map (seeded per photo) and a Gaussian bump at the centre
   * (the photographer's bias). A method must beat both to say anything about the model.
   */
  static List<LabMethods.Method> baselines(LabContext ctx) {
    int[] chw = ctx.main().chw();
    int h = chw[1];
    int w = chw[2];
    long seed = ctx.seed(44);
    LabModel main = ctx.main();
    return List.of(baseline(RANDOM, i -> BaselineMaps.random(h, w, seed + i), h, w, main),
        baseline(CENTRE, i -> BaselineMaps.center(h, w), h, w, main));
  }

  private static LabMethods.Method baseline(String name, java.util.function.IntFunction<float[]> map, int h, int w,
      LabModel model) {
    return new LabMethods.Method(name, proto -> (image, classes, index) -> {
      List<dev.lanterne.explain.Explanation> out = new ArrayList<>();
      int k = java.util.Arrays.hashCode(image);
      for (int c : classes) {
        out.add(new dev.lanterne.explain.Explanation(index, name, c, model.label(c), Float.NaN, Float.NaN,
            new dev.lanterne.tensor.Tensor(map.apply(k), new int[] {h, w}), null, Map.of()));
      }
      return out;
    });
  }

  private static int methodCount() {
    return 8;
  }

  static List<LabMethods.Method> methods(LabContext ctx) {
    LabSettings s = ctx.settings();
    LabMethods m = ctx.methods();
    int w = s.occlusionWindow();
    return List.of(m.saliency(), m.smoothGrad(s.smoothGradSamples(), 0.15, ctx.seed(41)),
        m.integratedGradients(s.igSteps()), m.gradCam(), m.gradCamPlusPlus(), m.guidedGradCam(),
        m.rise(RiseOptions.DEFAULTS.withMasks(s.riseSummaryMasks()).withSeed(ctx.seed(42))),
        m.occlusion(OcclusionOptions.DEFAULTS.withWindow(w, w / 2)));
  }

  @Override
  public Section run(LabContext ctx, Progress progress) {
    LabSettings s = ctx.settings();
    LabOutput out = ctx.output(id());
    List<LabMethods.Method> methods = methods(ctx);
    List<Evaluation.Row> rows = new ArrayList<>();
    for (LabMethods.Method m : methods) {
      long t0 = System.nanoTime();
      rows.addAll(ctx.topClassRows(m, progress));
      ctx.verbose("summary: %s on %d photos in %.1f s", m.name(), LabContext.PHOTOS.size(),
          (System.nanoTime() - t0) / 1e9);
    }
    Map<String, double[]> sanity = sanity(ctx, methods, rows, out, progress);
    for (LabMethods.Method b : baselines(ctx)) {
      rows.addAll(ctx.topClassRows(b, progress));
    }

    Table perRow = new Table("rows", "image", "method", "class", "label", "deletion AUC", "insertion AUC",
        "pointing", "time (s)");
    for (Evaluation.Row r : rows) {
      perRow.add(r.image(), r.method(), r.classIndex(), r.label(), r.deletionAuc(), r.insertionAuc(),
          r.pointing().map(p -> p.hit() ? "hit" : "miss").orElse("-"), r.millis() / 1000);
    }
    out.table(perRow);
    Table summary = new Table("summary", "method", "deletion AUC (lower is better)",
        "insertion AUC (higher is better)", "pointing hits", "sanity Spearman (all layers random)",
        "time per image (s)", "deletion AUC sd", "insertion AUC sd", "infidelity (lower is better)",
        "ROAD (LeRF - MoRF) / 2 (higher is better)", "sparseness (Gini)", "complexity (entropy)");
    for (Evaluation.Summary m : Evaluation.summarize(rows)) {
      double[] cascade = sanity.get(m.method());
      PointingGame.Tally t = m.pointing();
      List<Double> del = new ArrayList<>();
      List<Double> ins = new ArrayList<>();
      for (Evaluation.Row r : rows) {
        if (r.method().equals(m.method())) {
          del.add(r.deletionAuc());
          ins.add(r.insertionAuc());
        }
      }
      summary.add(m.method(), m.deletionAuc(), m.insertionAuc(), t.hits() + "/" + t.total(),
          cascade == null ? Double.NaN : cascade[cascade.length - 1], m.millis() / 1000, Stats.sd(del),
          Stats.sd(ins), m.metrics().getOrDefault(Faithfulness.INFIDELITY, Double.NaN),
          m.metrics().getOrDefault(Faithfulness.ROAD, Double.NaN),
          m.metrics().getOrDefault(Faithfulness.SPARSENESS, Double.NaN),
          m.metrics().getOrDefault(Faithfulness.COMPLEXITY, Double.NaN));
    }
    out.table(summary);
    Table sanityTable = sanityTable(ctx, sanity);
    out.table(sanityTable);

    out.png("maps.png", mapsFigure(ctx, methods, rows));
    out.png("curves-coffee.png", curvesFigure(rows, SANITY_PHOTO));
    out.json("boxes.json", Boxes.json());
    Map<String, Object> params = s.asMap();
    params.put("model", LabContext.MAIN_MODEL);
    params.put("photos", LabContext.PHOTOS);
    params.put("classes", "each photo's top-1 class of the main model");
    params.put("methods", methods.stream().map(LabMethods.Method::name).toList());
    params.put("smoothGrad", Map.of("samples", s.smoothGradSamples(), "noiseLevel", 0.15, "seed", ctx.seed(41)));
    params.put("integratedGradients", Map.of("steps", s.igSteps(), "baseline", "black"));
    params.put("gradCamLayer", ctx.graphs().standard(ctx.main().proto()).layer());
    params.put("rise", Map.of("masks", s.riseSummaryMasks(), "grid", 7, "p", 0.5, "fill", "black",
        "seed", ctx.seed(42)));
    params.put("occlusion", Map.of("window", s.occlusionWindow(), "stride", s.occlusionWindow() / 2,
        "fill", "gray"));
    params.put("deletion", "black substrate, softmax probability");
    params.put("insertion", "blurred substrate (11x11, sigma 5)");
    params.put("metrics", "infidelity (Captum, 10 Gaussian perturbations, std 0.1, normalized), ROAD"
        + " (pytorch-grad-cam, noisy linear imputation, 10%..90%), Quantus sparseness and complexity; seed "
        + ctx.seed(44));
    params.put("pointingTolerance", PointingGame.TORCHRAY_TOLERANCE);
    params.put("boxes", "summary/boxes.json");
    params.put("sanity", Map.of("photo", SANITY_PHOTO, "layersRandomizedFromOutput", levelNames(ctx),
        "seed", ctx.seed(43), "layersInModel", WeightRandomizer.layersFromOutput(ctx.main().proto()).size()));
    out.params(params);
    return section(ctx, out, summary, perRow, sanityTable, rows);
  }

  /** Cascading randomisation on one photo: the correlation at each level, per method. */
  private Map<String, double[]> sanity(LabContext ctx, List<LabMethods.Method> methods, List<Evaluation.Row> rows,
      LabOutput output, Progress progress) {
    Onnx.ModelProto proto = ctx.main().proto();
    int layers = WeightRandomizer.layersFromOutput(proto).size();
    List<Integer> levels = ctx.settings().sanityLevels();
    List<Onnx.ModelProto> randomised = new ArrayList<>();
    for (int k : levels) {
      randomised.add(WeightRandomizer.randomizeTop(proto, k == 0 ? layers : Math.min(k, layers), ctx.seed(43)));
    }
    Map<String, double[]> out = new LinkedHashMap<>();
    List<List<PanelGrid.Panel>> figure = new ArrayList<>();
    List<String> labels = new ArrayList<>();
    var shown = ctx.prepared(SANITY_PHOTO).shown();
    for (LabMethods.Method m : methods) {
      boolean perturbation = m.name().equals("rise") || m.name().equals("occlusion");
      if (perturbation && !ctx.settings().sanityPerturbation()) {
        progress.step(levels.size());
        continue;
      }
      Evaluation.Row original = rows.stream().filter(r -> r.method().equals(m.name())
          && r.image().equals(SANITY_PHOTO)).findFirst().orElseThrow();
      float[] base = original.explanation().map().data();
      int[] cls = {original.classIndex()};
      double[] rho = new double[levels.size()];
      List<PanelGrid.Panel> row = new ArrayList<>();
      row.add(Figures.panel(Figures.overlay(shown, original.explanation()), "original"));
      long t0 = System.nanoTime();
      for (int i = 0; i < levels.size(); i++) {
        if (perturbation && levels.get(i) != 0) {
          rho[i] = Double.NaN;
          row.add(null);
          progress.step(1);
          continue;
        }
        try (Evaluation.Method method = m.factory().open(randomised.get(i))) {
          var e = method.explain(ctx.prepared(SANITY_PHOTO).tensor(), cls, 0).get(0);
          rho[i] = Spearman.correlation(base, e.map().data());
          row.add(Figures.panel(Figures.overlay(shown, e), String.format(java.util.Locale.ROOT,
              "%s random: rho %.2f", levels.get(i) == 0 ? "all layers" : "top " + levels.get(i), rho[i])));
        }
        progress.step(1);
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      ctx.addTime("sanity check (" + m.name() + ")", seconds);
      ctx.verbose("sanity: %s in %.1f s", m.name(), seconds);
      out.put(m.name(), rho);
      figure.add(row);
      labels.add(m.name());
    }
    randomised.forEach(ctx.graphs()::forget);
    output.png("sanity.png", Figures.grid(figure, labels));
    return out;
  }

  private static List<String> levelNames(LabContext ctx) {
    return ctx.settings().sanityLevels().stream().map(k -> k == 0 ? "all" : String.valueOf(k)).toList();
  }

  private static Table sanityTable(LabContext ctx, Map<String, double[]> sanity) {
    List<String> cols = new ArrayList<>(List.of("method"));
    for (String l : levelNames(ctx)) {
      cols.add(l.equals("all") ? "all layers random" : "top " + l + " random");
    }
    Table t = new Table("sanity", cols.toArray(String[]::new));
    for (Map.Entry<String, double[]> e : sanity.entrySet()) {
      Object[] row = new Object[cols.size()];
      row[0] = e.getKey();
      for (int i = 0; i < e.getValue().length; i++) {
        row[i + 1] = e.getValue()[i];
      }
      t.add(row);
    }
    return t;
  }

  /** Rows: photos; columns: methods. */
  private static java.awt.image.BufferedImage mapsFigure(LabContext ctx, List<LabMethods.Method> methods,
      List<Evaluation.Row> rows) {
    List<List<PanelGrid.Panel>> grid = new ArrayList<>();
    List<String> labels = new ArrayList<>();
    for (String photo : LabContext.PHOTOS) {
      var shown = ctx.prepared(photo).shown();
      List<PanelGrid.Panel> row = new ArrayList<>();
      String label = photo;
      for (LabMethods.Method m : methods) {
        for (Evaluation.Row r : rows) {
          if (r.image().equals(photo) && r.method().equals(m.name())) {
            row.add(Figures.panel(Figures.overlay(shown, r.explanation()), String.format(java.util.Locale.ROOT,
                "%s del %.3f ins %.3f", m.name(), r.deletionAuc(), r.insertionAuc())));
            label = photo + ": " + r.classIndex() + " " + r.label();
          }
        }
      }
      grid.add(row);
      labels.add(label);
    }
    return Figures.grid(grid, labels);
  }

  /** The deletion and insertion curves of every method on one photo. */
  private static java.awt.image.BufferedImage curvesFigure(List<Evaluation.Row> rows, String photo) {
    List<PanelGrid.Panel> panels = new ArrayList<>();
    for (Evaluation.Row r : rows) {
      if (r.image().equals(photo)) {
        panels.add(Figures.panel(CurvePlot.draw(r.method() + " on " + photo, List.of(r.deletion(), r.insertion())),
            ""));
      }
    }
    List<List<PanelGrid.Panel>> grid = new ArrayList<>();
    for (int i = 0; i < panels.size(); i += 4) {
      grid.add(panels.subList(i, Math.min(panels.size(), i + 4)));
    }
    return PanelGrid.render(grid, null, 0);
  }

  private Section section(LabContext ctx, LabOutput out, Table summary, Table perRow, Table sanity,
      List<Evaluation.Row> rows) {
    Section s = new Section("4. Every method on the same photos");
    s.text("> **The course asks:** which explanation is faithful to the model? Compare the methods on the same"
        + " photos by deletion and insertion, by the pointing game where the object's box is known, and by the"
        + " sanity check; a method must beat maps that know nothing of the model (a random map, a bump at the"
        + " centre).");
    s.text(SummaryComments.intro(rows, ctx.settings().pixelsPerStep()));
    s.table(summary, out.link("summary.csv"));
    s.text(SummaryComments.summary(summary));
    s.text(SummaryComments.baselines(summary, RANDOM, CENTRE));
    s.figure("every method on every photo", out.link("maps.png"));
    s.figure("deletion and insertion curves on coffee.png", out.link("curves-coffee.png"));
    s.heading("Sanity check (cascading randomisation from the output, " + SANITY_PHOTO + ")");
    s.table(sanity, out.link("sanity.csv"));
    s.text(SummaryComments.sanity(sanity));
    s.figure("maps on randomised models", out.link("sanity.png"));
    s.heading("Every map");
    s.table(perRow, out.link("rows.csv"));
    return s;
  }
}
