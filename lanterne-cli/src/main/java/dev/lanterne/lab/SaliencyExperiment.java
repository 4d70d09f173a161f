package dev.lanterne.lab;

import dev.lanterne.image.Overlay;
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
    return 2L * CLASSES.values().stream().mapToInt(c -> c.length).sum() + 3L * LabContext.PHOTOS.size()
        + 3L * s.sanityLevels().size() + SmoothGradSweep.units(s);
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
    List<Evaluation.Row> classRows = ctx.evaluate(saliency, images, progress, false);
    List<Evaluation.Row> camRows = ctx.evaluate(m.gradCam(), images, progress, false);
    Table classes = new Table("classes", "image", "class", "label", "kind", "probability", "deletion AUC",
        "insertion AUC");
    Table discrimination = new Table("discrimination", "image", "method", "class", "label", "kind", "probability",
        "map max", "Spearman with the predicted class's map");
    List<List<PanelGrid.Panel>> grid = new ArrayList<>();
    List<String> gridLabels = new ArrayList<>();
    for (String p : CLASS_PHOTOS) {
      float[] prob = ctx.main().probabilities(ctx.prepared(p).tensor());
      int top1 = dev.lanterne.explain.Target.topK(prob, 0, prob.length, 1)[0];
      for (List<Evaluation.Row> methodRows : List.of(classRows, camRows)) {
        List<Evaluation.Row> mine = methodRows.stream().filter(r -> r.image().equals(p)).toList();
        // one scale for all classes of the photo: a class the model barely sees looks cold
        List<float[]> maps = mine.stream().map(r -> r.explanation().map().data()).toList();
        Overlay.Style style = Figures.style(maps.toArray(new float[0][]));
        Overlay.Scale shared = Overlay.scale(style, maps);
        float[] predicted = mine.stream().filter(r -> r.classIndex() == top1).findFirst()
            .map(r -> r.explanation().map().data()).orElse(maps.get(0));
        List<PanelGrid.Panel> row = new ArrayList<>();
        row.add(Figures.panel(ctx.prepared(p).shown(), p));
        String method = mine.isEmpty() ? "" : mine.get(0).method();
        for (Evaluation.Row r : mine) {
          String kind = r.classIndex() == top1 ? "predicted" : KIND.get(r.classIndex());
          float[] map = r.explanation().map().data();
          double max = 0;
          for (float v : map) {
            max = Math.max(max, v);
          }
          double rho = Stats.spearman(predicted, map);
          if (methodRows == classRows) {
            classes.add(p, r.classIndex(), r.label(), kind, (double) prob[r.classIndex()],
                r.deletionAuc(), r.insertionAuc());
          }
          discrimination.add(p, method, r.classIndex(), r.label(), kind, (double) prob[r.classIndex()], max, rho);
          row.add(Figures.panel(Figures.overlay(ctx.prepared(p).shown(), map, r.explanation().width(),
              r.explanation().height(), style, shared), String.format(Locale.ROOT,
              "%s · %d %s (%s) · p\u00a0%s · rho %.2f", method, r.classIndex(), r.label(), kind,
              dev.lanterne.explain.ExplanationWriter.probability(prob[r.classIndex()]), rho)));
        }
        grid.add(row);
        gridLabels.add(method);
      }
    }
    out.table(classes);
    out.table(discrimination);
    out.png("classes.png", Figures.grid(grid, gridLabels));

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
                String.format(Locale.ROOT, "%s · %d %s · p\u00a0%s · del %.3f ins %.3f", r.method(), r.classIndex(),
                    r.label(), probability(ctx, p, r.classIndex()), r.deletionAuc(), r.insertionAuc())));
            label = p + ": " + r.classIndex() + " " + r.label();
          }
        }
      }
      mgrid.add(row);
      labels.add(label);
    }
    out.table(methods);
    out.png("methods.png", Figures.grid(mgrid, labels));

    // the sanity check of the three methods (shared with the summary, which runs it for every method)
    List<List<PanelGrid.Panel>> sgrid = new ArrayList<>();
    List<String> slabels = new ArrayList<>();
    Map<String, double[]> sanity = new java.util.LinkedHashMap<>();
    for (LabMethods.Method method : compared) {
      Evaluation.Row original = rows.stream().filter(r -> r.method().equals(method.name())
          && r.image().equals(LabSanity.PHOTO)).findFirst().orElseThrow();
      LabSanity.Result r = ctx.sanity().run(method, original, progress);
      sanity.put(method.name(), r.rho());
      sgrid.add(r.panels());
      slabels.add(method.name());
    }
    out.png("sanity.png", Figures.grid(sgrid, slabels));

    SmoothGradSweep sweep = SmoothGradSweep.run(ctx, out, progress);

    Map<String, Object> params = s.asMap();
    params.put("model", LabContext.MAIN_MODEL);
    params.put("classesPerPhoto", Map.of("cat.png", CLASSES.get("cat.png"), "coffee.png", CLASSES.get("coffee.png")));
    params.put("saliency", "|gradient|, max over colour channels");
    params.put("smoothGrad", Map.of("samples", s.smoothGradSamples(), "noiseLevel", 0.15, "seed", ctx.seed(41)));
    params.put("smoothGradSweep", Map.of("samples", s.smoothGradSampleSweep(), "atNoiseLevel", 0.15,
        "noiseLevels", s.smoothGradNoiseSweep(), "atSamples", s.smoothGradSamples(), "seed", ctx.seed(41)));
    params.put("gradCamLayer", ctx.graphs().standard(ctx.main().proto()).layer());
    params.put("deletion", "black substrate, softmax probability");
    params.put("insertion", "blurred substrate (11x11, sigma 5)");
    params.put("sanity", Map.of("photo", LabSanity.PHOTO, "layersRandomizedFromOutput",
        LabSanity.levelNames(s), "seed", ctx.seed(43)));
    out.params(params);

    Section sec = new Section("2. Saliency: classes, SmoothGrad, Grad-CAM");
    sec.heading("The predicted class against other classes on the same photo");
    sec.text("> **The course asks:** compute the saliency map of the predicted class, of another plausible class"
        + " and of an implausible one. Do the maps differ, and what does that say about the method?");
    sec.text("Vanilla saliency (|gradient|, max over channels) and Grad-CAM (layer `"
        + ctx.graphs().standard(ctx.main().proto()).layer() + "`) of the main model for the predicted class,"
        + " plausible neighbours and implausible classes. Each row shares one colour scale across its classes"
        + " (the colour bar gives the map's real values), so a class the model barely sees looks cold instead of"
        + " as hot as the predicted one. rho is the Spearman rank correlation of the class's map with the"
        + " predicted class's map over all pixels. Deletion and insertion here and in the SmoothGrad sweep take "
        + s.sweepPixelsPerStep() + " pixels per step (section 4: " + s.pixelsPerStep() + ").");
    sec.figure("saliency and Grad-CAM for several classes, shared scale", out.link("classes.png"));
    sec.table(classes, out.link("classes.csv"));
    sec.table(discrimination, out.link("discrimination.csv"));
    sec.text(classComment(classes));
    sec.text(discriminationComment(discrimination));
    sec.heading("SmoothGrad against vanilla saliency: noise level and number of samples");
    sec.text("> **The course asks:** does SmoothGrad give a cleaner map than vanilla saliency, and how do the noise"
        + " level and the number of samples matter?");
    sweep.describe(sec, out, s);
    sec.heading("Grad-CAM against saliency: deletion, insertion and the sanity check");
    sec.text("> **The course asks:** compare Grad-CAM with the gradient maps: which one is more faithful to the"
        + " model (deletion, insertion), and does it pass the sanity check?");
    sec.text("Top-1 class of every photo. SmoothGrad averages the gradient over " + s.smoothGradSamples()
        + " copies with Gaussian noise of sigma 0.15 of the pixel range; Grad-CAM uses layer `"
        + ctx.graphs().standard(ctx.main().proto()).layer() + "`. The sanity check (Adebayo et al. 2018)"
        + " recomputes each map on " + LabSanity.PHOTO + " after replacing the weights of the top layers of the"
        + " model, counted from the output, by random ones; rho is the Spearman rank correlation with the map on"
        + " the original model. A map that explains the model must change (rho towards 0).");
    sec.figure("saliency, SmoothGrad and Grad-CAM", out.link("methods.png"));
    sec.table(methods, out.link("methods.csv"));
    sec.figure("sanity check of saliency, SmoothGrad and Grad-CAM", out.link("sanity.png"));
    sec.text(methodComment(methods, compared, sanity, LabSanity.levelNames(s)));
    return sec;
  }

  private static String probability(LabContext ctx, String photo, int c) {
    return dev.lanterne.explain.ExplanationWriter.probability(
        ctx.main().probabilities(ctx.prepared(photo).tensor())[c]);
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

  /** Mean rank correlation with the predicted class's map, per method and kind of class. */
  private static String discriminationComment(Table t) {
    List<String> parts = new ArrayList<>();
    for (String method : List.of("saliency", "gradcam")) {
      for (String kind : List.of("plausible", "implausible")) {
        List<Double> rho = new ArrayList<>();
        List<Double> max = new ArrayList<>();
        for (int i = 0; i < t.size(); i++) {
          List<Object> r = t.row(i);
          if (r.get(1).equals(method) && r.get(4).equals(kind)) {
            rho.add((Double) r.get(7));
            max.add((Double) r.get(6));
          }
        }
        if (!rho.isEmpty()) {
          parts.add(String.format(Locale.ROOT, "%s, %s classes: rho %s, map maximum %s", method, kind,
              Stats.pm(rho), Stats.pm(max)));
        }
      }
    }
    return "**Answer.** Rank correlation with the predicted class's map (mean ± sd over the classes of both photos): "
        + String.join("; ", parts) + ". A rho near 1 means the map hardly depends on the class: the method"
        + " shows where the network looks, not what it finds there; a lower rho and a lower maximum for"
        + " implausible classes is class discrimination.";
  }

  private static String methodComment(Table t, List<LabMethods.Method> compared, Map<String, double[]> sanity,
      List<String> levels) {
    List<String> parts = new ArrayList<>();
    Map<String, double[]> means = new java.util.LinkedHashMap<>();
    for (LabMethods.Method m : compared) {
      List<Double> del = new ArrayList<>();
      List<Double> ins = new ArrayList<>();
      double time = 0;
      for (int i = 0; i < t.size(); i++) {
        if (t.row(i).get(3).equals(m.name())) {
          del.add((Double) t.row(i).get(4));
          ins.add((Double) t.row(i).get(5));
          time += (Double) t.row(i).get(6);
        }
      }
      means.put(m.name(), new double[] {Stats.mean(del), Stats.mean(ins)});
      double[] rho = sanity.get(m.name());
      parts.add(String.format(Locale.ROOT, "%s deletion %s, insertion %s, %.2f s per map, sanity rho %.2f (top %s"
          + " layer%s random) to %.2f (all layers random)", m.name(), Stats.pm(del), Stats.pm(ins),
          time / Math.max(1, del.size()), rho[0], levels.get(0), levels.get(0).equals("1") ? "" : "s",
          rho[rho.length - 1]));
    }
    String bestIns = means.entrySet().stream().max(java.util.Comparator.comparingDouble(e -> e.getValue()[1]))
        .map(Map.Entry::getKey).orElse("-");
    String bestDel = means.entrySet().stream().min(java.util.Comparator.comparingDouble(e -> e.getValue()[0]))
        .map(Map.Entry::getKey).orElse("-");
    String fallsMost = sanity.entrySet().stream().min(java.util.Comparator.comparingDouble(
        e -> Math.abs(e.getValue()[e.getValue().length - 1]))).map(Map.Entry::getKey).orElse("-");
    return "Means ± sd over the " + (t.size() / Math.max(1, compared.size())) + " photos: " + String.join("; ", parts)
        + ". **Answer.** Highest mean insertion AUC: " + bestIns + "; lowest mean deletion AUC: " + bestDel
        + "; the map that changes most when every layer is randomised (rho closest to 0): " + fallsMost + "."
        + " A rho that stays high after randomisation means the map shows the photo's edges more than the"
        + " model's reasoning.";
  }
}
