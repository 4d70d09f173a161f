package dev.lanterne.lab;

import dev.lanterne.explain.perturbation.Fill;
import dev.lanterne.explain.perturbation.MaskSheet;
import dev.lanterne.explain.perturbation.MaskType;
import dev.lanterne.explain.perturbation.RiseOptions;
import dev.lanterne.image.PanelGrid;
import dev.lanterne.metrics.Evaluation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Experiment 3: RISE's settings: the number of masks (and the converged map of the until-stable
 * run), the grid size, the mask family and the fill, each on every photo with several mask seeds;
 * deletion/insertion as mean and standard deviation over photos and seeds, the pointing game and
 * the time of each setting. The figure shows the maps on coffee.png with the first seed.
 */
final class RiseExperiment implements Experiment {
  static final String PHOTO = "coffee.png";
  static final int CLASS = 967;

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
      out.add(new Setting("masks", "N=" + n, base.withMasks(n)));
    }
    out.add(new Setting("masks", "until stable", base.withMasks(s.riseStableMax()).withUntilStable(0.01, 100)));
    for (int g : new int[] {4, 8, 16}) {
      out.add(new Setting("grid", "grid " + g, sweep.withGrid(g)));
    }
    out.add(new Setting("mask family", "binary (paper)", sweep));
    for (MaskType t : new MaskType[] {MaskType.VERTICAL_STRIPES, MaskType.HORIZONTAL_STRIPES, MaskType.GRID,
        MaskType.NOISE}) {
      out.add(new Setting("mask family", t.cliName(), sweep.withMaskType(t)));
    }
    for (Fill f : new Fill[] {Fill.BLACK, Fill.GRAY, Fill.BLUR}) {
      out.add(new Setting("fill", f.name().toLowerCase(Locale.ROOT), sweep.withFill(f)));
    }
    return out;
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
    List<Setting> first = settings(s, seed);
    for (int i = 0; i < first.size(); i++) {
      Setting st = first.get(i);
      List<Double> del = new ArrayList<>();
      List<Double> ins = new ArrayList<>();
      List<Double> time = new ArrayList<>();
      List<Double> used = new ArrayList<>();
      int hits = 0;
      int total = 0;
      for (int k = 0; k < s.riseSeeds(); k++) {
        long runSeed = seed + 1000L * k;
        RiseOptions o = st.options().withSeed(runSeed);
        for (Evaluation.Row r : ctx.evaluate(ctx.methods().rise(o), images, u -> { })) {
          Object n = r.explanation().details().getOrDefault("masks", o.masks());
          String point = r.pointing().map(pt -> pt.hit() ? "hit" : "miss").orElse("-");
          runs.add(st.group(), st.name(), runSeed, r.image(), r.classIndex(), n, r.millis() / 1000, r.deletionAuc(),
              r.insertionAuc(), point);
          del.add(r.deletionAuc());
          ins.add(r.insertionAuc());
          time.add(r.millis() / 1000);
          used.add(((Number) n).doubleValue());
          if (r.pointing().isPresent()) {
            total++;
            hits += r.pointing().get().hit() ? 1 : 0;
          }
          if (k == 0 && r.image().equals(PHOTO)) {
            rows.computeIfAbsent(st.group(), g -> new ArrayList<>()).add(Figures.panel(
                Figures.overlay(photo.shown(), r.explanation()), String.format(Locale.ROOT,
                    "%s: %.1f s, del %.3f ins %.3f", st.name(), r.millis() / 1000, r.deletionAuc(),
                    r.insertionAuc())));
          }
        }
        progress.step(1);
      }
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
    out.png("maps.png", Figures.grid(new ArrayList<>(rows.values()), new ArrayList<>(rows.keySet())));
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
    all.put("untilStable", "relative L2 change of the normalised map below 0.01 for "
        + RiseOptions.PATIENCE + " checks, one check every 100 masks");
    all.put("settings", params);
    out.params(all);

    Section sec = new Section("3. RISE: masks, grid, mask family, fill");
    sec.text("> **The course asks:** how do the number of masks N (100, 500, 2000, until convergence), the grid"
        + " size (4, 8, 16), the kind of mask (binary, stripes, grid, Gaussian noise) and the fill (black, grey,"
        + " blur) change the RISE map, its quality and its cost?");
    sec.text("Every setting runs on the " + LabContext.PHOTOS.size() + " photos (each for the main model's top-1"
        + " class) with " + s.riseSeeds() + " mask seeds: the table gives the mean over those "
        + LabContext.PHOTOS.size() * s.riseSeeds() + " runs and their standard deviation (sd). Unless the row"
        + " says otherwise: grid 7, keep probability 0.5, binary masks, black fill, " + s.riseSweepMasks()
        + " masks in the grid, family and fill sweeps. The until-stable run stops when the map changes by less"
        + " than 1% (relative L2) over " + RiseOptions.PATIENCE + " checks 100 masks apart, at most "
        + s.riseStableMax() + " masks. The grid family is hard-edged cells kept with probability 0.5 at a random"
        + " phase per mask; the noise family is Gaussian noise (sigma " + MaskType.NOISE_SIGMA + ") on the grid,"
        + " upsampled like the binary masks. Pointing: the map's maximum within 15 px of the object's box"
        + " (hits over runs on the photos with a box). The figure shows the maps on " + PHOTO + " with the first"
        + " seed.");
    sec.figure("RISE maps per setting", out.link("maps.png"));
    sec.table(t, out.link("settings.csv"));
    sec.text(comment(t, s.riseStableMax()));
    sec.text("Every run: [runs.csv](" + out.link("runs.csv") + ").");
    sec.figure("six masks of each family", out.link("masks.png"));
    return sec;
  }

  private static String comment(Table t, int maxMasks) {
    List<String> parts = new ArrayList<>();
    Map<String, double[]> v = new LinkedHashMap<>();
    for (int i = 0; i < t.size(); i++) {
      List<Object> r = t.row(i);
      v.put((String) r.get(1), new double[] {(Double) r.get(7), (Double) r.get(10), (Double) r.get(8),
          (Double) r.get(11), (Double) r.get(2), (Double) r.get(6)});
    }
    List<String> masks = new ArrayList<>();
    for (String k : v.keySet()) {
      if (k.startsWith("N=") || k.equals("until stable")) {
        masks.add(k);
      }
    }
    if (masks.size() >= 2) {
      double[] a = v.get(masks.get(0));
      double[] b = v.get(masks.get(masks.size() - 2));
      parts.add(String.format(Locale.ROOT, "**Number of masks.** From %s to %s the deletion AUC goes from %.3f ± %.3f"
          + " to %.3f ± %.3f and the insertion AUC from %.3f ± %.3f to %.3f ± %.3f. A map from few masks is noisy:"
          + " its top-ranked pixels are scattered blocks, and blacking out scattered blocks can destroy the score"
          + " faster than removing the object coherently, so deletion can look better with fewer masks while"
          + " insertion (which needs the object's pixels together) improves as the map converges; a difference"
          + " smaller than the sd is noise.", masks.get(0), masks.get(masks.size() - 2), a[0], a[1], b[0], b[1],
          a[2], a[3], b[2], b[3]));
      double[] st = v.get("until stable");
      if (st != null) {
        boolean limit = st[4] >= maxMasks;
        parts.add(String.format(Locale.ROOT, "The until-stable run used %.0f masks on average (%.1f s)%s.", st[4],
            st[5], limit ? ", its limit: the map still changed by more than the tolerance between checks"
                : ", when the map had stopped changing"));
      }
    }
    List<String> grid = new ArrayList<>();
    for (String k : v.keySet()) {
      if (k.startsWith("grid ")) {
        double[] g = v.get(k);
        grid.add(String.format(Locale.ROOT, "%s: deletion %.3f ± %.3f, insertion %.3f ± %.3f", k, g[0], g[1], g[2],
            g[3]));
      }
    }
    if (!grid.isEmpty()) {
      parts.add("**Grid size.** " + String.join("; ", grid) + ". A small grid gives large smooth cells: the map"
          + " finds a large object but cannot outline it; a large grid gives cells smaller than the object's"
          + " parts, each mask hides little, and the map needs more masks to converge.");
    }
    List<String> fam = new ArrayList<>();
    List<String> fills = new ArrayList<>();
    for (int i = 0; i < t.size(); i++) {
      List<Object> r = t.row(i);
      double[] g = v.get((String) r.get(1));
      String s = String.format(Locale.ROOT, "%s: deletion %.3f ± %.3f, insertion %.3f ± %.3f", r.get(1), g[0], g[1],
          g[2], g[3]);
      if (r.get(0).equals("mask family")) {
        fam.add(s);
      } else if (r.get(0).equals("fill")) {
        fills.add(s);
      }
    }
    if (!fam.isEmpty()) {
      parts.add("**Mask family.** " + String.join("; ", fam) + ". Stripes locate only one coordinate, so their"
          + " maps smear along the stripes.");
    }
    if (!fills.isEmpty()) {
      parts.add("**Fill.** " + String.join("; ", fills) + ". The fill decides what a hidden pixel looks like to"
          + " the model: black and grey add edges the photo never had, blur keeps the colours and removes detail.");
    }
    Object[] bestIns = SummaryComments.extreme(t, 1, 8, true);
    Object[] bestDel = SummaryComments.extreme(t, 1, 7, false);
    parts.add(String.format(Locale.ROOT, "Best mean insertion AUC: %s (%.3f); lowest mean deletion AUC: %s (%.3f).",
        bestIns[0], bestIns[1], bestDel[0], bestDel[1]));
    return String.join("\n\n", parts);
  }
}
