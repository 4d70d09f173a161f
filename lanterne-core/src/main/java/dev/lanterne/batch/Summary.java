package dev.lanterne.batch;

import dev.lanterne.explain.LanternModel;
import dev.lanterne.image.ColorMap;
import dev.lanterne.image.Overlay;
import dev.lanterne.image.PanelGrid;
import dev.lanterne.image.Png;
import dev.lanterne.tensor.AtomicFiles;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The run's summary: {@code summary.md} with the mean and 95% confidence interval of every metric
 * per method, {@code figures/histograms.png} (one histogram per method and metric) and
 * {@code figures/best-worst-METHOD.png} (the images whose maps score best and worst, by insertion
 * minus deletion AUC).
 */
public final class Summary {
  /** File name of the summary in the run folder. */
  public static final String FILE = "summary.md";
  static final List<String> METRICS = List.of("deletion_auc", "insertion_auc", "pointing_hit", "seconds");
  private static final int BINS = 20;
  private static final int SHOWN = 6;

  private Summary() {}

  /**
   * One metric's statistics.
   *
   * @param mean the mean
   * @param ci95 half-width of the 95% confidence interval (normal approximation)
   * @param n number of values
   */
  public record Stat(double mean, double ci95, int n) {
    static Stat of(List<Double> values) {
      int n = values.size();
      if (n == 0) {
        return new Stat(Double.NaN, Double.NaN, 0);
      }
      double mean = values.stream().mapToDouble(Double::doubleValue).sum() / n;
      double ss = 0;
      for (double v : values) {
        ss += (v - mean) * (v - mean);
      }
      double sd = n > 1 ? Math.sqrt(ss / (n - 1)) : 0;
      return new Stat(mean, 1.96 * sd / Math.sqrt(n), n);
    }
  }

  /** Values of a metric per method, from metrics.csv rows (NaN and empty cells left out). */
  static Map<String, Map<String, List<Double>>> values(List<Map<String, String>> rows) {
    Map<String, Map<String, List<Double>>> out = new LinkedHashMap<>();
    for (Map<String, String> r : rows) {
      Map<String, List<Double>> m = out.computeIfAbsent(r.get("method"), x -> new LinkedHashMap<>());
      for (String metric : METRICS) {
        String v = r.get(metric);
        List<Double> list = m.computeIfAbsent(metric, x -> new ArrayList<>());
        if (v != null && !v.isBlank()) {
          double d = Double.parseDouble(v);
          if (!Double.isNaN(d)) {
            list.add(d);
          }
        }
      }
    }
    return out;
  }

  /** Writes summary.md and the figures from the consolidated tables. */
  public static void write(BatchRun run, LanternModel model) {
    List<Map<String, String>> rows = Csv.read(run.dir().resolve(BatchRun.METRICS));
    Map<String, Map<String, List<Double>>> values = values(rows);
    int failed = BatchRunner.failedImages(run);
    StringBuilder md = new StringBuilder();
    md.append("# Batch run summary\n\n");
    md.append("- model: `").append(run.record().path("config").path("model").path("file").asText())
        .append("` (SHA-256 ").append(run.modelSha256(), 0, 12).append("...)\n");
    md.append("- images: ").append(run.manifest().size()).append(", failed: ").append(failed)
        .append(failed > 0 ? " (see errors.csv)" : "").append('\n');
    md.append("- methods: ").append(String.join(", ", run.config().methods())).append("; seed ")
        .append(run.seed()).append("; classes: ").append(String.join(" ", run.config().target())).append('\n');
    md.append("- Lanterne ").append(BatchRun.version()).append("; every option is in run.json\n\n");
    md.append("Mean and 95% confidence interval (mean ± 1.96 s/√n) of each metric per method. Deletion AUC: lower is"
        + " better; insertion AUC and pointing hit rate: higher is better; seconds per image and method.\n\n");
    md.append("| method | metric | n | mean | 95% CI |\n|---|---|---:|---:|---|\n");
    for (var m : values.entrySet()) {
      for (String metric : METRICS) {
        Stat s = Stat.of(m.getValue().get(metric));
        if (s.n() == 0) {
          continue;
        }
        md.append(String.format(Locale.ROOT, "| %s | %s | %d | %.4f | [%.4f, %.4f] |%n", m.getKey(), metric, s.n(),
            s.mean(), s.mean() - s.ci95(), s.mean() + s.ci95()));
      }
    }
    md.append('\n');
    boolean curves = run.config().curves() && !rows.isEmpty();
    if (curves) {
      Png.write(run.dir().resolve("figures").resolve("histograms.png"), histograms(values));
      md.append("![histograms](figures/histograms.png)\n\n");
      for (String method : run.config().methods()) {
        BufferedImage grid = bestWorst(run, model, method, rows);
        if (grid != null) {
          String f = "figures/best-worst-" + fileName(method) + ".png";
          Png.write(run.dir().resolve(f), grid);
          md.append("Best and worst images for ").append(method)
              .append(" (by insertion minus deletion AUC, first class):\n\n![").append(method).append("](")
              .append(f).append(")\n\n");
        }
      }
    }
    md.append("Outputs: `maps/METHOD` (Zarr v2, [image, rank, y, x] float32), `metrics.csv`, `errors.csv`,"
        + " `manifest.csv`, `run.json`.\n");
    AtomicFiles.write(run.dir().resolve(FILE), md.toString().getBytes(StandardCharsets.UTF_8));
  }

  private static String fileName(String method) {
    return method.replaceAll("[^A-Za-z0-9._-]", "_");
  }

  /** One histogram per method (rows) and per AUC metric (columns). */
  static BufferedImage histograms(Map<String, Map<String, List<Double>>> values) {
    List<String> metrics = List.of("deletion_auc", "insertion_auc");
    int cw = 320;
    int ch = 200;
    int rows = Math.max(1, values.size());
    BufferedImage img = new BufferedImage(cw * metrics.size(), ch * rows, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, img.getWidth(), img.getHeight());
      int r = 0;
      for (var m : values.entrySet()) {
        for (int c = 0; c < metrics.size(); c++) {
          drawHistogram(g, c * cw, r * ch, cw, ch, m.getKey() + ": " + metrics.get(c),
              m.getValue().getOrDefault(metrics.get(c), List.of()), c == 0 ? new Color(0xd62728) : new Color(0x1f77b4));
        }
        r++;
      }
    } finally {
      g.dispose();
    }
    return img;
  }

  private static void drawHistogram(Graphics2D g, int x0, int y0, int w, int h, String title, List<Double> values,
      Color colour) {
    int left = 40;
    int top = 28;
    int bottom = 30;
    int right = 12;
    int pw = w - left - right;
    int ph = h - top - bottom;
    int[] counts = new int[BINS];
    for (double v : values) {
      int b = (int) Math.floor(Math.max(0, Math.min(0.999999, v)) * BINS);
      counts[b]++;
    }
    int max = 1;
    for (int c : counts) {
      max = Math.max(max, c);
    }
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 12));
    g.setColor(Color.BLACK);
    Stat s = Stat.of(values);
    g.drawString(title + String.format(Locale.ROOT, "  (mean %.3f, n %d)", s.mean(), s.n()), x0 + 8, y0 + 18);
    g.setColor(colour);
    for (int b = 0; b < BINS; b++) {
      int bh = (int) Math.round((double) counts[b] / max * ph);
      int bx = x0 + left + b * pw / BINS;
      int bw = Math.max(1, pw / BINS - 1);
      g.fillRect(bx, y0 + top + ph - bh, bw, bh);
    }
    g.setColor(Color.BLACK);
    g.setStroke(new BasicStroke(1f));
    g.drawLine(x0 + left, y0 + top + ph, x0 + left + pw, y0 + top + ph);
    g.drawLine(x0 + left, y0 + top, x0 + left, y0 + top + ph);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
    FontMetrics fm = g.getFontMetrics();
    for (double t : new double[] {0, 0.5, 1}) {
      String l = t == 0.5 ? "0.5" : Integer.toString((int) t);
      int tx = x0 + left + (int) Math.round(t * pw);
      g.drawString(l, tx - fm.stringWidth(l) / 2, y0 + top + ph + 14);
    }
    String m = Integer.toString(max);
    g.drawString(m, x0 + left - 4 - fm.stringWidth(m), y0 + top + 8);
    g.drawString("0", x0 + left - 4 - fm.stringWidth("0"), y0 + top + ph);
  }

  /** The best and worst images of a method as overlays, by insertion minus deletion AUC (first class). */
  static BufferedImage bestWorst(BatchRun run, LanternModel model, String method, List<Map<String, String>> rows) {
    List<Map<String, String>> mine = new ArrayList<>();
    for (Map<String, String> r : rows) {
      if (method.equals(r.get("method")) && "0".equals(r.get("rank")) && !r.get("deletion_auc").isBlank()) {
        mine.add(r);
      }
    }
    if (mine.isEmpty()) {
      return null;
    }
    Comparator<Map<String, String>> byScore = Comparator.comparingDouble(Summary::gap);
    mine.sort(byScore.reversed().thenComparing(r -> Integer.parseInt(r.get("index"))));
    int n = Math.min(SHOWN, (mine.size() + 1) / 2);
    ZarrArray maps = run.maps(method);
    int[] shape = maps.shape();
    int plane = shape[2] * shape[3];
    List<List<PanelGrid.Panel>> grid = new ArrayList<>();
    for (List<Map<String, String>> part : List.of(mine.subList(0, n), mine.subList(mine.size() - n, mine.size()))) {
      List<PanelGrid.Panel> panels = new ArrayList<>();
      for (Map<String, String> r : part) {
        int index = Integer.parseInt(r.get("index"));
        try {
          BufferedImage shown = model.preprocessor().prepare(run.manifest().get(index).path()).shown();
          float[] map = java.util.Arrays.copyOf(maps.read(index), plane);
          panels.add(new PanelGrid.Panel(Overlay.blend(shown, map, shape[3], shape[2], ColorMap.JET, 0.5f),
              String.format(Locale.ROOT, "#%d %s %.2f", index, r.get("label"), gap(r))));
        } catch (RuntimeException e) {
          panels.add(null);
        }
      }
      grid.add(panels);
    }
    return PanelGrid.render(grid, List.of("best", "worst"), 128);
  }

  private static double gap(Map<String, String> r) {
    return Double.parseDouble(r.get("insertion_auc")) - Double.parseDouble(r.get("deletion_auc"));
  }

  /** The statistics of metrics.csv per method and metric, for tests and reports. */
  public static Map<String, Map<String, Stat>> stats(Path metricsCsv) {
    Map<String, Map<String, Stat>> out = new LinkedHashMap<>();
    for (var m : values(Csv.read(metricsCsv)).entrySet()) {
      Map<String, Stat> s = new LinkedHashMap<>();
      m.getValue().forEach((k, v) -> s.put(k, Stat.of(v)));
      out.put(m.getKey(), s);
    }
    return out;
  }
}
