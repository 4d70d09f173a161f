package dev.lanterne.metrics;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lanterne.tensor.AtomicFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes an evaluation: evaluation.json (settings, every row with its curves, and the per-method
 * summary), evaluation.csv (one row per image, method and class) and one curve plot per row under
 * curves/. Every file is written atomically.
 */
public final class EvaluationReport {
  /** File name of the JSON report. */
  public static final String JSON = "evaluation.json";
  /** File name of the CSV report. */
  public static final String CSV = "evaluation.csv";
  /** Folder, under the report's, of the curve plots. */
  public static final String CURVES = "curves";
  /** First line of evaluation.csv; the last columns are {@link Faithfulness#NAMES}. */
  public static final String CSV_HEADER = "image,method,class,label,deletion_auc,insertion_auc,time_ms,"
      + "pointing_hit,sanity_spearman,sanity_abs_spearman,curves," + String.join(",", Faithfulness.NAMES);

  private EvaluationReport() {}

  /** Writes all three; settings go into the JSON as given. */
  public static void write(Path dir, Map<String, Object> settings, List<Evaluation.Row> rows) {
    for (Evaluation.Row r : rows) {
      CurvePlot.write(dir.resolve(curvePath(r)), title(r), List.of(r.deletion(), r.insertion()));
    }
    AtomicFiles.write(dir.resolve(CSV), csv(rows).getBytes(StandardCharsets.UTF_8));
    AtomicFiles.write(dir.resolve(JSON), out -> new ObjectMapper().writerWithDefaultPrettyPrinter()
        .writeValue(out, json(settings, rows)));
  }

  /** curves/IMAGE_METHOD_cCLASS.png, with characters outside [A-Za-z0-9._-] replaced. */
  public static String curvePath(Evaluation.Row r) {
    String stem = r.image().replaceAll("\\.[A-Za-z0-9]+$", "");
    return CURVES + "/" + safe(stem) + "_" + safe(r.method()) + "_c" + r.classIndex() + ".png";
  }

  private static String safe(String s) {
    return s.replaceAll("[^A-Za-z0-9._-]", "_");
  }

  private static String title(Evaluation.Row r) {
    String label = r.label() == null || r.label().isEmpty() ? "" : " " + r.label();
    return r.method() + " on " + r.image() + ", class " + r.classIndex() + label;
  }

  /** The rows as evaluation.csv (header included); a missing value is an empty field. */
  public static String csv(List<Evaluation.Row> rows) {
    StringBuilder sb = new StringBuilder(CSV_HEADER).append('\n');
    for (Evaluation.Row r : rows) {
      sb.append(field(r.image())).append(',').append(field(r.method())).append(',').append(r.classIndex()).append(',')
          .append(field(r.label())).append(',').append(number(r.deletionAuc())).append(',')
          .append(number(r.insertionAuc())).append(',').append(String.format(Locale.ROOT, "%.1f", r.millis()))
          .append(',').append(r.pointing().map(p -> p.hit() ? "1" : "0").orElse("")).append(',')
          .append(r.sanity().map(s -> number(s.finalSpearman())).orElse("")).append(',')
          .append(r.sanity().map(s -> s.steps().isEmpty() ? ""
              : number(s.steps().get(s.steps().size() - 1).absoluteSpearman())).orElse(""))
          .append(',').append(field(curvePath(r)));
      for (String name : Faithfulness.NAMES) {
        Double v = r.metrics().get(name);
        sb.append(',').append(v == null ? "" : number(v));
      }
      sb.append('\n');
    }
    return sb.toString();
  }

  static ObjectNode json(Map<String, Object> settings, List<Evaluation.Row> rows) {
    ObjectMapper m = new ObjectMapper();
    ObjectNode root = m.createObjectNode();
    root.set("settings", m.valueToTree(settings));
    ArrayNode arr = root.putArray("rows");
    for (Evaluation.Row r : rows) {
      ObjectNode o = arr.addObject();
      o.put("image", r.image());
      o.put("method", r.method());
      o.put("class", r.classIndex());
      o.put("label", r.label());
      o.put("probability", r.deletion().scores()[0]);
      o.put("deletionAuc", r.deletionAuc());
      o.put("insertionAuc", r.insertionAuc());
      o.put("timeMs", r.millis());
      o.put("curvesTimeMs", r.curveMillis());
      o.put("curves", curvePath(r));
      curve(o.putObject("deletion"), r.deletion());
      curve(o.putObject("insertion"), r.insertion());
      r.pointing().ifPresent(p -> {
        ObjectNode pg = o.putObject("pointing");
        pg.put("hit", p.hit());
        pg.put("x", p.x());
        pg.put("y", p.y());
      });
      r.sanity().ifPresent(s -> {
        ArrayNode steps = o.putArray("sanity");
        for (SanityCheck.Step st : s.steps()) {
          ObjectNode so = steps.addObject();
          so.put("randomizedLayers", st.randomized());
          so.put("layer", st.layer().name());
          so.put("op", st.layer().opType());
          so.put("spearman", st.spearman());
          so.put("absoluteSpearman", st.absoluteSpearman());
        }
      });
      if (!r.metrics().isEmpty()) {
        o.set("metrics", m.valueToTree(r.metrics()));
      }
      if (r.explanation().details() != null && !r.explanation().details().isEmpty()) {
        o.set("details", m.valueToTree(r.explanation().details()));
      }
    }
    ArrayNode sum = root.putArray("summary");
    for (Evaluation.Summary s : Evaluation.summarize(rows)) {
      ObjectNode o = sum.addObject();
      o.put("method", s.method());
      o.put("rows", s.rows());
      o.put("deletionAuc", s.deletionAuc());
      o.put("insertionAuc", s.insertionAuc());
      o.put("timeMs", s.millis());
      if (s.pointing().total() > 0) {
        o.put("pointingHits", s.pointing().hits());
        o.put("pointingTotal", s.pointing().total());
      }
      if (!Double.isNaN(s.sanitySpearman())) {
        o.put("sanitySpearman", s.sanitySpearman());
      }
      if (!s.metrics().isEmpty()) {
        o.set("metrics", m.valueToTree(s.metrics()));
      }
    }
    return root;
  }

  private static void curve(ObjectNode o, CausalCurve c) {
    o.put("substrate", c.substrate().cliName());
    o.put("pixelsPerStep", c.pixelsPerStep());
    o.put("auc", c.auc());
    ArrayNode s = o.putArray("scores");
    for (float v : c.scores()) {
      s.add(v);
    }
  }

  private static String number(double v) {
    return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.6f", v);
  }

  /** A CSV field, quoted when it holds a comma, quote or line break. */
  private static String field(String s) {
    if (s == null) {
      return "";
    }
    if (s.contains(",") || s.contains("\"") || s.contains("\n")) {
      return "\"" + s.replace("\"", "\"\"") + "\"";
    }
    return s;
  }

  /** For callers that only want the summary table as text (metric columns only where some row has them). */
  public static String summaryTable(List<Evaluation.Row> rows) {
    List<Evaluation.Summary> summaries = Evaluation.summarize(rows);
    List<String> extra = Faithfulness.NAMES.stream()
        .filter(n -> summaries.stream().anyMatch(s -> s.metrics().containsKey(n))).toList();
    StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-14s %5s %10s %10s %10s %9s %9s", "method",
        "rows", "deletion", "insertion", "time ms", "pointing", "sanity"));
    for (String n : extra) {
      sb.append(String.format(Locale.ROOT, " %15s", n));
    }
    sb.append(String.format("%n"));
    for (Evaluation.Summary s : summaries) {
      sb.append(String.format(Locale.ROOT, "%-14s %5d %10.4f %10.4f %10.1f %9s %9s", s.method(), s.rows(),
          s.deletionAuc(), s.insertionAuc(), s.millis(),
          s.pointing().total() == 0 ? "-" : s.pointing().hits() + "/" + s.pointing().total(),
          Double.isNaN(s.sanitySpearman()) ? "-" : String.format(Locale.ROOT, "%.3f", s.sanitySpearman())));
      for (String n : extra) {
        Double v = s.metrics().get(n);
        sb.append(String.format(Locale.ROOT, " %15s", v == null ? "-" : String.format(Locale.ROOT, "%.4g", v)));
      }
      sb.append(String.format("%n"));
    }
    return sb.toString();
  }
}
