package dev.lanterne.lab;

import dev.lanterne.explain.perturbation.Fill;
import dev.lanterne.explain.perturbation.MaskSheet;
import dev.lanterne.explain.perturbation.MaskType;
import dev.lanterne.explain.perturbation.RiseOptions;
import dev.lanterne.image.PanelGrid;
import dev.lanterne.metrics.Evaluation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Experiment 3: RISE's settings: the number of masks (and the map of the until-stable run), the
 * grid size, the mask family and the fill, each on every photo with several mask seeds;
 * deletion/insertion as mean and standard deviation over photos and seeds, the pointing game and
 * the time of each setting. A setting that recurs in several sweeps (the paper's binary masks on a
 * 7-cell grid with black fill) runs once per photo and seed. Each sweep's figure shows the maps on
 * coffee.png with the first seed.
 */
final class RiseExperiment implements Experiment {
  static final String PHOTO = "coffee.png";
  /** The until-stable run's threshold on the relative L2 change of the map between checks 100 masks apart. */
  static final double STABLE_TOLERANCE = 0.02;
  static final int STABLE_CHECK_EVERY = 100;

  static final String MASKS = "number of masks";
  static final String GRID = "grid size";
  static final String FAMILY = "mask family";
  static final String FILL = "fill";

  /** One RISE setting and the group of the sweep it belongs to. */
  record Setting(String group, String name, RiseOptions options) {}

  @Override
  public String id() {
    return "rise";
  }

  @Override
  public long units(LabSettings s) {
    return (long) settings(s, 0).size() * s.riseSeeds();
  }

  static List<Setting> settings(LabSettings s, long seed) {
    RiseOptions base = RiseOptions.DEFAULTS.withSeed(seed);
    RiseOptions sweep = base.withMasks(s.riseSweepMasks());
    List<Setting> out = new ArrayList<>();
    for (int n : s.riseMasks()) {
      out.add(new Setting(MASKS, "N=" + n, base.withMasks(n)));
    }
    out.add(new Setting(MASKS, "until stable", base.withMasks(s.riseStableMax())
        .withUntilStable(STABLE_TOLERANCE, STABLE_CHECK_EVERY)));
    for (int g : new int[] {4, 7, 8, 16}) {
      out.add(new Setting(GRID, g == base.grid() ? "grid " + g + " (default)" : "grid " + g, sweep.withGrid(g)));
    }
    out.add(new Setting(FAMILY, "binary (paper)", sweep));
    for (MaskType t : new MaskType[] {MaskType.VERTICAL_STRIPES, MaskType.HORIZONTAL_STRIPES, MaskType.GRID,
        MaskType.NOISE}) {
      out.add(new Setting(FAMILY, t.cliName(), sweep.withMaskType(t)));
    }
    for (Fill f : new Fill[] {Fill.BLACK, Fill.GRAY, Fill.BLUR}) {
      out.add(new Setting(FILL, f.name().toLowerCase(Locale.ROOT), sweep.withFill(f)));
    }
    return out;
  }

  /** The distinct RISE runs per photo and seed (settings shared by several sweeps run once). */
  static int distinctRuns(LabSettings s) {
    return (int) settings(s, 0).stream().map(Setting::options).distinct().count();
  }

  @Override
  public Section run(LabContext ctx, Progress progress) {
    LabOutput out = ctx.output(id());
    LabSettings s = ctx.settings();
    long seed = ctx.seed(60);
    var photo = ctx.prepared(PHOTO);
    // every photo for its top-1 class (coffee.png: 967 espresso)
    List<Evaluation.Image> images = ctx.topClassImages();
    Table t = new Table("settings", "group", "setting", "masks used", "grid", "mask family", "fill", "time (s)",
        "deletion AUC", "insertion AUC", "pointing", "deletion AUC sd", "insertion AUC sd", "runs");
    Table runs = new Table("runs", "group", "setting", "seed", "image", "class", "masks used", "time (s)",
        "deletion AUC", "insertion AUC", "pointing");
    Map<String, List<PanelGrid.Panel>> rows = new LinkedHashMap<>();
    List<Map<String, Object>> params = new ArrayList<>();
    // the runs of each setting by photo and seed, for paired comparisons between settings
    Map<String, Map<String, double[]>> paired = new LinkedHashMap<>();
    Map<RiseOptions, List<Evaluation.Row>> done = new HashMap<>();
    int stableStops = 0;
    int stableRuns = 0;
    for (Setting st : settings(s, seed)) {
      List<Double> del = new ArrayList<>();
      List<Double> ins = new ArrayList<>();
      List<Double> time = new ArrayList<>();
      List<Double> used = new ArrayList<>();
      Map<String, double[]> mine = new LinkedHashMap<>();
      int hits = 0;
      int total = 0;
      for (int k = 0; k < s.riseSeeds(); k++) {
        long runSeed = seed + 1000L * k;
        RiseOptions o = st.options().withSeed(runSeed);
        List<Evaluation.Row> result = done.get(o);
        if (result == null) {
          result = ctx.evaluate(ctx.methods().rise(o), images, u -> { }, false);
          done.put(o, result);
        }
        for (Evaluation.Row r : result) {
          Object n = r.explanation().details().getOrDefault("masks", o.masks());
          String point = r.pointing().map(pt -> pt.hit() ? "hit" : "miss").orElse("-");
          runs.add(st.group(), st.name(), runSeed, r.image(), r.classIndex(), n, r.millis() / 1000, r.deletionAuc(),
              r.insertionAuc(), point);
          del.add(r.deletionAuc());
          ins.add(r.insertionAuc());
          time.add(r.millis() / 1000);
          double masksUsed = ((Number) n).doubleValue();
          used.add(masksUsed);
          mine.put(r.image() + "#" + k, new double[] {r.deletionAuc(), r.insertionAuc()});
          if (o.untilStable()) {
            stableRuns++;
            stableStops += masksUsed < o.masks() ? 1 : 0;
          }
          if (r.pointing().isPresent()) {
            total++;
            hits += r.pointing().get().hit() ? 1 : 0;
          }
          if (k == 0 && r.image().equals(PHOTO)) {
            rows.computeIfAbsent(st.group(), g -> new ArrayList<>()).add(Figures.panel(
                Figures.overlay(photo.shown(), r.explanation()), String.format(Locale.ROOT,
                    "RISE %s · %d %s · %.0f masks, %.1f s · del %.3f ins %.3f", st.name(), r.classIndex(),
                    r.label(), masksUsed, r.millis() / 1000, r.deletionAuc(), r.insertionAuc())));
          }
        }
        progress.step(1);
      }
      paired.put(st.name(), mine);
      RiseOptions o = st.options();
      t.add(st.group(), st.name(), Stats.mean(used), o.grid(), o.maskType().cliName(),
          o.fill().name().toLowerCase(Locale.ROOT), Stats.mean(time), Stats.mean(del), Stats.mean(ins),
          hits + "/" + total, Stats.sd(del), Stats.sd(ins), del.size());
      Map<String, Object> p = new LinkedHashMap<>();
      p.put("group", st.group());
      p.put("setting", st.name());
      p.put("options", o);
      params.add(p);
      ctx.verbose("rise: %s, %d runs, deletion %s, insertion %s", st.name(), del.size(), Stats.pm(del),
          Stats.pm(ins));
    }
    out.table(t);
    out.table(runs);
    Map<String, String> figures = Map.of(MASKS, "count.png", GRID, "grid.png", FAMILY, "family.png", FILL,
        "fill.png");
    for (Map.Entry<String, List<PanelGrid.Panel>> e : rows.entrySet()) {
      out.png(figures.get(e.getKey()), Figures.grid(List.of(e.getValue()), List.of(PHOTO)));
    }
    List<List<PanelGrid.Panel>> sheets = new ArrayList<>();
    List<String> sheetLabels = new ArrayList<>();
    for (MaskType m : MaskType.values()) {
      RiseOptions o = RiseOptions.DEFAULTS.withMaskType(m);
      sheets.add(List.of(Figures.panel(MaskSheet.render(o.generator(224, 224), seed, 6, 224, 224, 6), "")));
      sheetLabels.add(m.cliName());
    }
    out.png("masks.png", PanelGrid.render(sheets, sheetLabels, 0));
    Map<String, Object> all = s.asMap();
    all.put("model", LabContext.MAIN_MODEL);
    all.put("photos", LabContext.PHOTOS);
    all.put("classes", "each photo's top-1 class of the main model");
    all.put("figurePhoto", PHOTO);
    all.put("seeds", "seed + 1000 k for k = 0.." + (s.riseSeeds() - 1));
    all.put("seed", seed);
    all.put("untilStable", "relative L2 change of the normalised map below " + STABLE_TOLERANCE + " for "
        + RiseOptions.PATIENCE + " checks, one check every " + STABLE_CHECK_EVERY + " masks");
    all.put("settings", params);
    out.params(all);

    Comments c = new Comments(t, paired);
    Section sec = new Section("3. RISE: masks, grid, mask family, fill");
    sec.text("> **The course asks:** how do the number of masks N (100, 500, 2000, until convergence), the grid"
        + " size (4, 8, 16), the kind of mask (binary, stripes, grid, Gaussian noise) and the fill (black, grey,"
        + " blur) change the RISE map, its quality and its cost?");
    sec.text("Every setting runs on the " + LabContext.PHOTOS.size() + " photos (each for the main model's top-1"
        + " class) with " + s.riseSeeds() + " mask seeds: the tables give the mean over those "
        + LabContext.PHOTOS.size() * s.riseSeeds() + " runs and their standard deviation (sd, which includes the"
        + " differences between photos). Differences between two settings are paired: the same photo and seed"
        + " under both, mean ± standard error of the difference. Unless the row says otherwise: grid 7, keep"
        + " probability 0.5, binary masks, black fill, " + s.riseSweepMasks() + " masks in the grid, family and"
        + " fill sweeps (that default setting runs once and appears in each sweep). Deletion and insertion as in"
        + " section 4, " + s.sweepPixelsPerStep() + " pixels per step (the summary: " + s.pixelsPerStep() + "). Pointing: the map's maximum within 15 px of the"
        + " object's box (hits over runs). The figures show the maps on " + PHOTO + " with the first seed; every"
        + " run is in [runs.csv](" + out.link("runs.csv") + ").");
    sec.heading("Number of masks");
    sec.text("The until-stable run stops when the map changes by less than " + percent(STABLE_TOLERANCE)
        + " (relative L2) over " + RiseOptions.PATIENCE + " checks " + STABLE_CHECK_EVERY + " masks apart, at most "
        + s.riseStableMax() + " masks.");
    sec.figure("RISE maps for each number of masks", out.link("count.png"));
    sec.table(t.where(0, MASKS), out.link("settings.csv"));
    sec.text(c.masks(stableStops, stableRuns, s.riseStableMax()));
    sec.heading("Grid size");
    sec.figure("RISE maps for each grid size", out.link("grid.png"));
    sec.table(t.where(0, GRID), out.link("settings.csv"));
    sec.text(c.grid(s.riseSweepMasks()));
    sec.heading("Mask family");
    sec.text("The grid family is hard-edged cells kept with probability 0.5 at a random phase per mask (no"
        + " periodic pattern survives the average); the noise family is Gaussian noise (sigma "
        + MaskType.NOISE_SIGMA + ") on the grid, upsampled like the binary masks; stripes keep whole columns"
        + " (stripes) or rows (hstripes) of cells.");
    sec.figure("six masks of each family", out.link("masks.png"));
    sec.figure("RISE maps for each mask family", out.link("family.png"));
    sec.table(t.where(0, FAMILY), out.link("settings.csv"));
    sec.text(c.family());
    sec.heading("Fill");
    sec.figure("RISE maps for each fill", out.link("fill.png"));
    sec.table(t.where(0, FILL), out.link("settings.csv"));
    sec.text(c.fill());
    return sec;
  }

  private static String percent(double fraction) {
    return String.format(Locale.ROOT, "%.0f%%", 100 * fraction);
  }

  /** The sentences under each sweep: the trend and the winner, read from the run's numbers. */
  static final class Comments {
    private final Table t;
    private final Map<String, Map<String, double[]>> paired;

    Comments(Table t, Map<String, Map<String, double[]>> paired) {
      this.t = t;
      this.paired = paired;
    }

    /** Mean and standard error of b - a over the photo/seed pairs both settings ran; index 0 deletion, 1 insertion. */
    double[] difference(String a, String b, int metric) {
      Map<String, double[]> x = paired.get(a);
      Map<String, double[]> y = paired.get(b);
      List<Double> d = new ArrayList<>();
      for (Map.Entry<String, double[]> e : x.entrySet()) {
        double[] other = y.get(e.getKey());
        if (other != null) {
          d.add(other[metric] - e.getValue()[metric]);
        }
      }
      return new double[] {Stats.mean(d), d.size() < 2 ? Double.NaN : Stats.sd(d) / Math.sqrt(d.size())};
    }

    /** "rises by 0.050 ± 0.010" or "stays within its spread (+0.004 ± 0.010)". */
    static String change(double[] d) {
      boolean clear = Math.abs(d[0]) > 2 * d[1];
      if (!clear) {
        return String.format(Locale.ROOT, "does not change beyond its spread (%+.3f ± %.3f)", d[0], d[1]);
      }
      return String.format(Locale.ROOT, "%s by %.3f ± %.3f", d[0] > 0 ? "rises" : "falls", Math.abs(d[0]), d[1]);
    }

    /** Whether b beats a clearly (two standard errors): deletion lower, insertion higher. */
    boolean better(String a, String b, int metric) {
      double[] d = difference(a, b, metric);
      return Math.abs(d[0]) > 2 * d[1] && (metric == 0 ? d[0] < 0 : d[0] > 0);
    }

    private List<Object> row(String name) {
      for (int i = 0; i < t.size(); i++) {
        if (t.row(i).get(1).equals(name)) {
          return t.row(i);
        }
      }
      return null;
    }

    private List<String> names(String group) {
      List<String> out = new ArrayList<>();
      for (int i = 0; i < t.size(); i++) {
        if (t.row(i).get(0).equals(group)) {
          out.add((String) t.row(i).get(1));
        }
      }
      return out;
    }

    private String best(String group, int column, boolean largest) {
      return (String) SummaryComments.extreme(t.where(0, group), 1, column, largest)[0];
    }

    private double value(String name, int column) {
      return (Double) row(name).get(column);
    }

    String masks(int stableStops, int stableRuns, int stableMax) {
      List<String> n = new ArrayList<>(names(MASKS));
      n.remove("until stable");
      if (n.size() < 2) {
        return "";
      }
      String lo = n.get(0);
      String hi = n.get(n.size() - 1);
      double[] del = difference(lo, hi, 0);
      double[] ins = difference(lo, hi, 1);
      StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "**Answer.** From %s to %s the deletion AUC"
          + " %s and the insertion AUC %s (paired over %d runs), while the time grows from %.1f s to %.1f s per"
          + " map. ", lo, hi, change(del), change(ins), paired.get(lo).size(), value(lo, 6), value(hi, 6)));
      if (del[0] > 2 * del[1]) {
        b.append("Deletion gets worse as the map converges: a map from few masks is noisy, its top-ranked"
            + " pixels are scattered blocks, and blacking out scattered blocks over the whole photo destroys the"
            + " score faster than removing the object's region in one piece, which leaves the model the rest of"
            + " the object to recognise. Deletion rewards that scattering; insertion, which needs the object's"
            + " pixels together, is the better guide here. ");
      } else if (del[0] < -2 * del[1]) {
        b.append("Deletion improves as the map converges: the noise of a small N ranks background pixels among"
            + " the first removed. ");
      }
      if (ins[0] > 2 * ins[1]) {
        b.append("Insertion improves with N: the averaged map ranks the object's pixels first once the mask"
            + " noise has averaged out. ");
      }
      List<Object> st = row("until stable");
      if (st != null) {
        b.append(String.format(Locale.ROOT, "The until-stable run used %.0f masks on average (%.1f s per map) and"
            + " stopped before its limit of %d masks in %d of %d runs", (Double) st.get(2), (Double) st.get(6),
            stableMax, stableStops, stableRuns));
        double[] sd = difference(hi, "until stable", 0);
        double[] si = difference(hi, "until stable", 1);
        b.append(String.format(Locale.ROOT, "; against %s its deletion AUC %s and its insertion AUC %s, so %s.", hi,
            change(sd), change(si), Math.abs(si[0]) <= 2 * si[1] && Math.abs(sd[0]) <= 2 * sd[1]
                ? hi + " is already converged for these scores" : "the scores still move beyond " + hi));
      }
      return b.toString().strip();
    }

    String grid(int masks) {
      String bestIns = best(GRID, 8, true);
      String bestDel = best(GRID, 7, false);
      List<String> g = names(GRID);
      StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "**Answer.** With %d masks the best insertion"
          + " AUC comes from %s (%.3f) and the lowest deletion AUC from %s (%.3f).", masks, bestIns,
          value(bestIns, 8), bestDel, value(bestDel, 7)));
      String small = g.get(0);
      String large = g.get(g.size() - 1);
      double[] ins = difference(small, large, 1);
      double[] del = difference(small, large, 0);
      b.append(String.format(Locale.ROOT, " From %s to %s the insertion AUC %s and the deletion AUC %s.", small,
          large, change(ins), change(del)));
      if (ins[0] < -2 * ins[1]) {
        b.append(" Small grids win on insertion: their cells are as large as the objects' parts, so each mask"
            + " hides or shows a part at once and the score reacts strongly; with many small cells each mask"
            + " changes the score little, the map's noise is larger at the same N, and the map breaks the object"
            + " into fragments.");
      } else if (ins[0] > 2 * ins[1]) {
        b.append(" Finer grids win on insertion: their cells follow the object's outline instead of spilling"
            + " over the background.");
      } else {
        b.append(" Insertion does not separate the grid sizes beyond the differences between photos.");
      }
      if (del[0] < -2 * del[1]) {
        b.append(" The finer grid's lower deletion AUC is the effect seen with few masks above: its map ranks"
            + " small cells scattered over the photo first, and blacking out scattered cells destroys the score"
            + " faster than removing the object in one piece, so deletion favours fine grids without their maps"
            + " locating the object better.");
      } else if (del[0] > 2 * del[1]) {
        b.append(" Coarse grids give the lower deletion AUC: their large cells cover the object's parts, so the"
            + " first pixels deleted take whole parts away.");
      }
      return b.toString();
    }

    String family() {
      String base = "binary (paper)";
      List<String> parts = new ArrayList<>();
      for (String f : names(FAMILY)) {
        if (f.equals(base)) {
          continue;
        }
        parts.add(String.format(Locale.ROOT, "%s: insertion %s, deletion %s", f, change(difference(base, f, 1)),
            change(difference(base, f, 0))));
      }
      String bestIns = best(FAMILY, 8, true);
      StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "**Answer.** Best insertion AUC: %s (%.3f);"
          + " lowest deletion AUC: %s (%.3f). Against the paper's binary masks: %s.", bestIns, value(bestIns, 8),
          best(FAMILY, 7, false), value(best(FAMILY, 7, false), 7), String.join("; ", parts)));
      boolean stripesWorse = names(FAMILY).stream().filter(f -> f.contains("stripes"))
          .allMatch(f -> better(f, base, 1));
      if (stripesWorse) {
        b.append(" Both stripe families lose on insertion: a stripe locates only one coordinate, so the map"
            + " smears the object along the stripes.");
      }
      return b.toString();
    }

    String fill() {
      String base = "black";
      List<String> parts = new ArrayList<>();
      for (String f : names(FILL)) {
        if (!f.equals(base)) {
          parts.add(String.format(Locale.ROOT, "%s: insertion %s, deletion %s", f, change(difference(base, f, 1)),
              change(difference(base, f, 0))));
        }
      }
      String bestIns = best(FILL, 8, true);
      return String.format(Locale.ROOT, "**Answer.** Best insertion AUC: %s (%.3f). Against black: %s. The fill"
          + " decides what a hidden pixel looks like to the model during the masking (the deletion and insertion"
          + " games keep their own black and blurred substrates): black and grey add edges the photo never had,"
          + " blur keeps the colours and removes only detail, so with blur a mask hides less and the map is"
          + " built from weaker score changes.", bestIns, value(bestIns, 8), String.join("; ", parts));
    }
  }
}
