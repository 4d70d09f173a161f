package dev.lanterne.lab;

import dev.lanterne.image.PanelGrid;
import dev.lanterne.metrics.Box;
import dev.lanterne.metrics.Evaluation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * SmoothGrad against vanilla saliency on every photo's top-1 class: the number of noisy samples
 * swept at the paper's noise level 0.15, and the noise level swept at the lab's sample count. Each
 * map is scored by deletion/insertion and by the share of its mass inside the object's box (the
 * energy-based pointing game of Score-CAM): a noisy map spreads over the background.
 */
final class SmoothGradSweep {
  static final double NOISE = 0.15;
  static final String FIGURE_PHOTO = "coffee.png";

  /** One map family: its label, sample count and noise level (0 samples: vanilla saliency). */
  record Setting(String name, int samples, double noise) {}

  private final Table table;
  private final List<Setting> settings;

  private SmoothGradSweep(Table table, List<Setting> settings) {
    this.table = table;
    this.settings = settings;
  }

  static List<Setting> settings(LabSettings s) {
    List<Setting> out = new ArrayList<>();
    out.add(new Setting("saliency", 0, 0));
    for (int n : s.smoothGradSampleSweep()) {
      out.add(new Setting(String.format(Locale.ROOT, "n=%d, sigma %.2f", n, NOISE), n, NOISE));
    }
    for (double sigma : s.smoothGradNoiseSweep()) {
      Setting st = new Setting(String.format(Locale.ROOT, "n=%d, sigma %.2f", s.smoothGradSamples(), sigma),
          s.smoothGradSamples(), sigma);
      if (out.stream().noneMatch(o -> o.name().equals(st.name()))) {
        out.add(st);
      }
    }
    return out;
  }

  static long units(LabSettings s) {
    return (long) settings(s).size() * LabContext.PHOTOS.size();
  }

  static SmoothGradSweep run(LabContext ctx, LabOutput out, Experiment.Progress progress) {
    LabSettings s = ctx.settings();
    LabMethods m = ctx.methods();
    List<Setting> settings = settings(s);
    Table t = new Table("smoothgrad", "setting", "samples", "noise level", "deletion AUC", "insertion AUC",
        "share in box", "deletion AUC sd", "insertion AUC sd", "share in box sd", "time per map (s)");
    Map<Setting, PanelGrid.Panel> panels = new LinkedHashMap<>();
    for (Setting st : settings) {
      LabMethods.Method method = st.samples() == 0 ? m.saliency() : m.smoothGrad(st.samples(), st.noise(),
          ctx.seed(41));
      // the lab's own SmoothGrad (and saliency) maps are those of the method comparison: reuse them
      boolean shared = st.samples() == 0 || (st.samples() == s.smoothGradSamples() && st.noise() == NOISE);
      List<Evaluation.Row> rows = shared ? ctx.topClassRows(method, progress)
          : ctx.evaluate(method, ctx.topClassImages(), progress, false);
      List<Double> del = new ArrayList<>();
      List<Double> ins = new ArrayList<>();
      List<Double> share = new ArrayList<>();
      double time = 0;
      for (Evaluation.Row r : rows) {
        del.add(r.deletionAuc());
        ins.add(r.insertionAuc());
        time += r.millis() / 1000;
        boxShare(ctx, r).ifPresent(share::add);
        if (r.image().equals(FIGURE_PHOTO)) {
          panels.put(st, Figures.panel(Figures.overlay(ctx.prepared(FIGURE_PHOTO).shown(), r.explanation()),
              String.format(Locale.ROOT, "%s · %s · %d %s · del %.3f ins %.3f", st.samples() == 0 ? "saliency"
                  : "smoothgrad", st.samples() == 0 ? "no noise" : st.name(), r.classIndex(), r.label(),
                  r.deletionAuc(), r.insertionAuc())));
        }
      }
      t.add(st.name(), st.samples(), st.noise(), Stats.mean(del), Stats.mean(ins), Stats.mean(share), Stats.sd(del),
          Stats.sd(ins), Stats.sd(share), time / Math.max(1, rows.size()));
    }
    out.table(t);
    // first row: vanilla, then more and more samples; second row: vanilla, then more and more noise
    List<PanelGrid.Panel> samplesRow = new ArrayList<>();
    List<PanelGrid.Panel> noiseRow = new ArrayList<>();
    settings.stream().filter(st -> st.samples() == 0).map(panels::get).forEach(p -> {
      samplesRow.add(p);
      noiseRow.add(p);
    });
    settings.stream().filter(st -> st.samples() > 0 && st.noise() == NOISE)
        .sorted(java.util.Comparator.comparingInt(Setting::samples)).forEach(st -> samplesRow.add(panels.get(st)));
    settings.stream().filter(st -> st.samples() == s.smoothGradSamples())
        .sorted(java.util.Comparator.comparingDouble(Setting::noise)).forEach(st -> noiseRow.add(panels.get(st)));
    out.png("smoothgrad.png", Figures.grid(List.of(samplesRow, noiseRow), List.of("samples (sigma "
        + NOISE + ")", "noise level (n=" + s.smoothGradSamples() + ")")));
    return new SmoothGradSweep(t, settings);
  }

  /** The share of the map's mass inside the object's boxes, where the photo has boxes for the class. */
  static Optional<Double> boxShare(LabContext ctx, Evaluation.Row r) {
    Optional<List<Box>> boxes = ctx.boxes().boxes(r.image(), r.classIndex());
    if (boxes.isEmpty()) {
      return Optional.empty();
    }
    int w = r.explanation().width();
    int h = r.explanation().height();
    float[] map = r.explanation().map().data();
    double in = 0;
    double all = 0;
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        double v = Math.abs(map[y * w + x]);
        all += v;
        for (Box b : boxes.get()) {
          if (x >= b.x0() && x < b.x1() && y >= b.y0() && y < b.y1()) {
            in += v;
            break;
          }
        }
      }
    }
    return all > 0 ? Optional.of(in / all) : Optional.empty();
  }

  /** The figure, the table and the answer, read from the run's numbers. */
  void describe(Section sec, LabOutput out, LabSettings s) {
    sec.text("Every photo's top-1 class. SmoothGrad averages |gradient| over n copies of the photo with Gaussian"
        + " noise of standard deviation sigma (a fraction of the pixel range); the first row sweeps n at sigma "
        + NOISE + ", the second sweeps sigma at n = " + s.smoothGradSamples() + ". Share in box: the fraction of"
        + " the map's total |value| that lies inside the object's box (mean over the photos; the cat fills most of"
        + " its photo, so its share is high for any map).");
    sec.figure("SmoothGrad: number of samples and noise level", out.link("smoothgrad.png"));
    sec.table(table, out.link("smoothgrad.csv"));
    sec.text(answer(s));
  }

  private String answer(LabSettings s) {
    Map<String, List<Object>> rows = new LinkedHashMap<>();
    for (int i = 0; i < table.size(); i++) {
      rows.put((String) table.row(i).get(0), table.row(i));
    }
    List<Object> vanilla = rows.get("saliency");
    List<Object> most = null;
    List<Object> fewest = null;
    for (Setting st : settings) {
      if (st.samples() > 0 && st.noise() == NOISE) {
        List<Object> r = rows.get(st.name());
        if (fewest == null || (Integer) r.get(1) < (Integer) fewest.get(1)) {
          fewest = r;
        }
        if (most == null || (Integer) r.get(1) > (Integer) most.get(1)) {
          most = r;
        }
      }
    }
    List<String> parts = new ArrayList<>();
    if (most != null) {
      parts.add(String.format(Locale.ROOT, "SmoothGrad with %s keeps %.2f of its mass in the box against %.2f for"
          + " vanilla saliency, with insertion AUC %.3f against %.3f and deletion AUC %.3f against %.3f", most.get(0),
          (Double) most.get(5), (Double) vanilla.get(5), (Double) most.get(4), (Double) vanilla.get(4),
          (Double) most.get(3), (Double) vanilla.get(3)));
      parts.add(String.format(Locale.ROOT, "going from %s to %s samples moves the share in the box from %.2f to"
          + " %.2f and the insertion AUC from %.3f to %.3f", fewest.get(1), most.get(1), (Double) fewest.get(5),
          (Double) most.get(5), (Double) fewest.get(4), (Double) most.get(4)));
    }
    Object[] bestNoise = SummaryComments.extreme(onlyNoise(s), 0, 5, true);
    Object[] bestNoiseIns = SummaryComments.extreme(onlyNoise(s), 0, 4, true);
    parts.add(String.format(Locale.ROOT, "across noise levels the share in the box is highest at %s (%.2f) and the"
        + " insertion AUC at %s (%.3f)", bestNoise[0], (Double) bestNoise[1], bestNoiseIns[0],
        (Double) bestNoiseIns[1]));
    List<Double> levels = s.smoothGradNoiseSweep().stream().sorted().toList();
    boolean inside = !levels.isEmpty() && !bestNoise[0].equals(noiseName(s, levels.get(0)))
        && !bestNoise[0].equals(noiseName(s, levels.get(levels.size() - 1)));
    boolean concentrates = most != null && (Double) most.get(5) > (Double) fewest.get(5);
    return "**Answer.** " + capitalise(String.join("; ", parts)) + ". Averaging over noisy copies cancels the"
        + " gradient's pixel-to-pixel fluctuations" + (concentrates ? ", so the map concentrates as n grows. "
            : "; here more samples did not concentrate the map further. ") + (inside
            ? "An intermediate noise level concentrates the map best: too little noise leaves the vanilla map's"
                + " speckle, too much spreads the map beyond the object."
            : "The most concentrated map comes at the edge of the swept noise levels (" + bestNoise[0] + ").");
  }

  private static String noiseName(LabSettings s, double sigma) {
    return String.format(Locale.ROOT, "n=%d, sigma %.2f", s.smoothGradSamples(), sigma);
  }

  private Table onlyNoise(LabSettings s) {
    Table t = new Table(table.name(), table.columns().toArray(String[]::new));
    for (int i = 0; i < table.size(); i++) {
      List<Object> r = table.row(i);
      if ((Integer) r.get(1) == s.smoothGradSamples()) {
        t.add(r.toArray());
      }
    }
    return t;
  }

  private static String capitalise(String s) {
    return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }
}
