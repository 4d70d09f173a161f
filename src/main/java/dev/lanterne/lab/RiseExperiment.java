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
 * Experiment 3: RISE's settings on one photo: the number of masks (and the converged map of the
 * until-stable run), the grid size, the mask family and the fill; deletion/insertion, the pointing
 * game and the time of each setting.
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
    return settings(s, 0).size();
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
    List<Evaluation.Image> images = List.of(new Evaluation.Image(PHOTO, photo.tensor(), new int[] {CLASS}));
    Table t = new Table("settings", "group", "setting", "masks used", "grid", "mask family", "fill", "time (s)",
        "deletion AUC", "insertion AUC", "pointing");
    Map<String, List<PanelGrid.Panel>> rows = new LinkedHashMap<>();
    List<Map<String, Object>> params = new ArrayList<>();
    for (Setting st : settings(s, seed)) {
      Evaluation.Row r = ctx.evaluate(ctx.methods().rise(st.options()), images, u -> { }).get(0);
      progress.step(1);
      Object used = r.explanation().details().getOrDefault("masks", st.options().masks());
      RiseOptions o = st.options();
      t.add(st.group(), st.name(), used, o.grid(), o.maskType().cliName(), o.fill().name().toLowerCase(Locale.ROOT),
          r.millis() / 1000, r.deletionAuc(), r.insertionAuc(), r.pointing().map(p -> p.hit() ? "hit" : "miss")
              .orElse("-"));
      rows.computeIfAbsent(st.group(), g -> new ArrayList<>()).add(Figures.panel(
          Figures.overlay(photo.shown(), r.explanation()), String.format(Locale.ROOT, "%s: %.1f s, del %.3f ins %.3f",
              st.name(), r.millis() / 1000, r.deletionAuc(), r.insertionAuc())));
      Map<String, Object> p = new LinkedHashMap<>();
      p.put("group", st.group());
      p.put("setting", st.name());
      p.put("options", o);
      params.add(p);
      ctx.verbose("rise: %s in %.1f s (%s masks)", st.name(), r.millis() / 1000, used);
    }
    out.table(t);
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
    all.put("photo", PHOTO);
    all.put("class", CLASS);
    all.put("seed", seed);
    all.put("untilStable", "relative L2 change of the normalised map below 0.01 for "
        + RiseOptions.PATIENCE + " checks, one check every 100 masks");
    all.put("settings", params);
    out.params(all);

    Section sec = new Section("3. RISE: masks, grid, mask family, fill");
    sec.text("RISE on " + PHOTO + " for class " + CLASS + " (" + ctx.main().label(CLASS) + "), main model. Unless"
        + " the row says otherwise: grid 7, keep probability 0.5, binary masks, black fill, " + s.riseSweepMasks()
        + " masks in the grid, family and fill sweeps. The until-stable run stops when the map changes by less"
        + " than 1% (relative L2) over " + RiseOptions.PATIENCE + " checks 100 masks apart, at most "
        + s.riseStableMax() + " masks. Pointing: the map's maximum within 15 px of the lead's box.");
    sec.figure("RISE maps per setting", out.link("maps.png"));
    sec.table(t, out.link("settings.csv"));
    sec.text(comment(t, s.riseStableMax()));
    sec.figure("six masks of each family", out.link("masks.png"));
    return sec;
  }

  private static String comment(Table t, int maxMasks) {
    List<String> parts = new ArrayList<>();
    Object[] bestIns = SummaryComments.extreme(t, 1, 8, true);
    Object[] worstIns = SummaryComments.extreme(t, 1, 8, false);
    Object[] bestDel = SummaryComments.extreme(t, 1, 7, false);
    for (int i = 0; i < t.size(); i++) {
      if (t.row(i).get(1).equals("until stable")) {
        boolean limit = t.row(i).get(2) instanceof Number used && used.intValue() >= maxMasks;
        parts.add(String.format(Locale.ROOT, "The until-stable run stopped after %s masks (%.1f s)%s.",
            t.row(i).get(2), (Double) t.row(i).get(6), limit ? ", its limit: the map still changed by more than"
                + " the tolerance between checks" : ", when the map had stopped changing"));
      }
    }
    double rate = 0;
    int n = 0;
    for (int i = 0; i < t.size(); i++) {
      if (t.row(i).get(0).equals("masks") && t.row(i).get(2) instanceof Number used) {
        rate += used.doubleValue() / (Double) t.row(i).get(6);
        n++;
      }
    }
    parts.add(String.format(Locale.ROOT, "Best insertion AUC: %s (%.3f); worst: %s (%.3f). Lowest deletion AUC: %s"
        + " (%.3f). In the mask-count rows RISE ran at about %.0f masked images per second (including the final"
        + " normalisation).", bestIns[0], bestIns[1], worstIns[0], worstIns[1], bestDel[0], bestDel[1],
        rate / Math.max(1, n)));
    return String.join(" ", parts);
  }
}
