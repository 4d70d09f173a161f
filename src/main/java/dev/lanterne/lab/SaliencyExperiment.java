package dev.lanterne.lab;

import dev.lanterne.image.PanelGrid;
import dev.lanterne.metrics.Evaluation;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Experiment 2: vanilla saliency for the predicted class against other plausible and implausible
 * classes on the same photo; SmoothGrad against vanilla saliency; Grad-CAM against saliency; each map
 * with its deletion and insertion AUC.
 */
final class SaliencyExperiment implements Experiment {
  /**
   * Per photo: the classes compared, plausible ones then implausible ones; the model's top-1 among
   * them is marked as the predicted class (on cat.png 282 and 285 nearly tie).
   */
  static final Map<String, int[]> CLASSES = Map.of(
      "cat.png", new int[] {285, 282, 281, 287, 954, 817},
      "coffee.png", new int[] {967, 968, 504, 130, 657});
  static final List<String> CLASS_PHOTOS = List.of("cat.png", "coffee.png");
  static final Map<Integer, String> KIND = Map.ofEntries(Map.entry(285, "plausible"),
      Map.entry(282, "plausible"), Map.entry(281, "plausible"), Map.entry(287, "plausible"),
      Map.entry(954, "implausible"), Map.entry(817, "implausible"), Map.entry(967, "plausible"),
      Map.entry(968, "plausible"), Map.entry(504, "plausible"), Map.entry(130, "implausible"),
      Map.entry(657, "implausible"));

  @Override
  public String id() {
    return "saliency";
  }

  @Override
  public long units(LabSettings s) {
    return CLASSES.values().stream().mapToInt(c -> c.length).sum() + 3L * LabContext.PHOTOS.size();
  }

  @Override
  public Section run(LabContext ctx, Progress progress) {
    LabOutput out = ctx.output(id());
    LabSettings s = ctx.settings();
    LabMethods m = ctx.methods();
    LabMethods.Method saliency = m.saliency();

    // classes on the same photo
    List<Evaluation.Image> images = new ArrayList<>();
    for (String p : CLASS_PHOTOS) {
      images.add(new Evaluation.Image(p, ctx.prepared(p).tensor(), CLASSES.get(p)));
    }
    List<Evaluation.Row> classRows = ctx.evaluate(saliency, images, progress);
    Table classes = new Table("classes", "image", "class", "label", "kind", "probability", "deletion AUC",
        "insertion AUC");
    List<List<PanelGrid.Panel>> grid = new ArrayList<>();
    for (String p : CLASS_PHOTOS) {
      float[] prob = ctx.main().probabilities(ctx.prepared(p).tensor());
      int top1 = dev.lanterne.explain.Target.topK(prob, 0, prob.length, 1)[0];
      List<PanelGrid.Panel> row = new ArrayList<>();
      row.add(Figures.panel(ctx.prepared(p).shown(), p));
      for (Evaluation.Row r : classRows) {
        if (r.image().equals(p)) {
          String kind = r.classIndex() == top1 ? "predicted" : KIND.get(r.classIndex());
          classes.add(p, r.classIndex(), r.label(), kind, (double) prob[r.classIndex()],
              r.deletionAuc(), r.insertionAuc());
          row.add(Figures.panel(Figures.overlay(ctx.prepared(p).shown(), r.explanation()), String.format(Locale.ROOT,
              "%d %s (p %.3f) ins %.3f", r.classIndex(), r.label(), prob[r.classIndex()], r.insertionAuc())));
        }
      }
      grid.add(row);
    }
    out.table(classes);
    out.png("classes.png", Figures.grid(grid, null));

    // SmoothGrad and Grad-CAM against vanilla saliency, top-1 class of every photo
    List<LabMethods.Method> compared = List.of(saliency,
        m.smoothGrad(s.smoothGradSamples(), 0.15, ctx.seed(41)), m.gradCam());
    List<Evaluation.Row> rows = new ArrayList<>();
    for (LabMethods.Method method : compared) {
      rows.addAll(ctx.topClassRows(method, progress));
    }
    Table methods = new Table("methods", "image", "class", "label", "method", "deletion AUC", "insertion AUC",
        "time (s)");
    List<List<PanelGrid.Panel>> mgrid = new ArrayList<>();
    List<String> labels = new ArrayList<>();
    for (String p : LabContext.PHOTOS) {
      List<PanelGrid.Panel> row = new ArrayList<>();
      row.add(Figures.panel(ctx.prepared(p).shown(), p));
      String label = p;
      for (LabMethods.Method method : compared) {
        for (Evaluation.Row r : rows) {
          if (r.image().equals(p) && r.method().equals(method.name())) {
            methods.add(p, r.classIndex(), r.label(), r.method(), r.deletionAuc(), r.insertionAuc(), r.millis() / 1000);
            row.add(Figures.panel(Figures.overlay(ctx.prepared(p).shown(), r.explanation()),
                String.format(Locale.ROOT, "%s del %.3f ins %.3f", r.method(), r.deletionAuc(), r.insertionAuc())));
            label = p + ": " + r.classIndex() + " " + r.label();
          }
        }
      }
      mgrid.add(row);
      labels.add(label);
    }
    out.table(methods);
    out.png("methods.png", Figures.grid(mgrid, labels));

    Map<String, Object> params = s.asMap();
    params.put("model", LabContext.MAIN_MODEL);
    params.put("classesPerPhoto", Map.of("cat.png", CLASSES.get("cat.png"), "coffee.png", CLASSES.get("coffee.png")));
    params.put("saliency", "|gradient|, max over colour channels");
    params.put("smoothGrad", Map.of("samples", s.smoothGradSamples(), "noiseLevel", 0.15, "seed", ctx.seed(41)));
    params.put("gradCamLayer", ctx.graphs().standard(ctx.main().proto()).layer());
    params.put("deletion", "black substrate, softmax probability");
    params.put("insertion", "blurred substrate (11x11, sigma 5)");
    out.params(params);

    Section sec = new Section("2. Saliency: classes, SmoothGrad, Grad-CAM");
    sec.heading("The predicted class against other classes on the same photo");
    sec.text("Vanilla saliency (|gradient|, max over channels) of the main model for the predicted class, plausible"
        + " neighbours and implausible classes. The probability is the model's softmax output on the photo.");
    sec.figure("saliency for several classes", out.link("classes.png"));
    sec.table(classes, out.link("classes.csv"));
    sec.text(classComment(classes));
    sec.heading("SmoothGrad and Grad-CAM against vanilla saliency");
    sec.text("Top-1 class of every photo. SmoothGrad averages the gradient over " + s.smoothGradSamples()
        + " copies with Gaussian noise of sigma 0.15 of the pixel range; Grad-CAM uses layer `"
        + ctx.graphs().standard(ctx.main().proto()).layer() + "`.");
    sec.figure("saliency, SmoothGrad and Grad-CAM", out.link("methods.png"));
    sec.table(methods, out.link("methods.csv"));
    sec.text(methodComment(methods, compared));
    return sec;
  }

  /** Mean insertion AUC of the plausible and implausible classes, and how the predicted class compares. */
  private static String classComment(Table t) {
    StringBuilder b = new StringBuilder();
    for (String p : CLASS_PHOTOS) {
      double pred = Double.NaN;
      double plaus = 0;
      int np = 0;
      double impl = 0;
      int ni = 0;
      for (int i = 0; i < t.size(); i++) {
        List<Object> r = t.row(i);
        if (!r.get(0).equals(p)) {
          continue;
        }
        double ins = (Double) r.get(6);
        String kind = (String) r.get(3);
        if (kind.equals("predicted")) {
          pred = ins;
        } else if (kind.equals("plausible")) {
          plaus += ins;
          np++;
        } else {
          impl += ins;
          ni++;
        }
      }
      b.append(String.format(Locale.ROOT, "%s: insertion AUC %.3f for the predicted class, %.3f on average for the"
          + " %d plausible others, %.3f for the %d implausible ones. ", p, pred, plaus / Math.max(1, np), np,
          impl / Math.max(1, ni), ni));
    }
    b.append("The insertion score follows the class's own probability, so a low AUC for an implausible class"
        + " says the model never finds it in the photo, whatever the map looks like.");
    return b.toString();
  }

  private static String methodComment(Table t, List<LabMethods.Method> compared) {
    StringBuilder b = new StringBuilder("Means over the photos: ");
    List<String> parts = new ArrayList<>();
    for (LabMethods.Method m : compared) {
      double del = 0;
      double ins = 0;
      double time = 0;
      int n = 0;
      for (int i = 0; i < t.size(); i++) {
        if (t.row(i).get(3).equals(m.name())) {
          del += (Double) t.row(i).get(4);
          ins += (Double) t.row(i).get(5);
          time += (Double) t.row(i).get(6);
          n++;
        }
      }
      parts.add(String.format(Locale.ROOT, "%s deletion %.3f, insertion %.3f, %.2f s per map", m.name(), del / n,
          ins / n, time / n));
    }
    return b.append(String.join("; ", parts)).append('.').toString();
  }
}
