package dev.lanterne.lab;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A results table: named columns and rows of values (text, integers, doubles), shown as Markdown
 * in the README and written beside the figures as CSV and JSON.
 */
final class Table {
  private final String name;
  private final List<String> columns;
  private final List<List<Object>> rows = new ArrayList<>();

  /** @param name the file stem of the CSV and JSON files */
  Table(String name, String... columns) {
    this.name = name;
    this.columns = List.of(columns);
  }

  String name() {
    return name;
  }

  List<String> columns() {
    return columns;
  }

  int size() {
    return rows.size();
  }

  Table add(Object... values) {
    if (values.length != columns.size()) {
      throw new IllegalArgumentException(name + ": " + values.length + " values for " + columns.size() + " columns");
    }
    rows.add(List.of(values));
    return this;
  }

  List<Object> row(int i) {
    return rows.get(i);
  }

  String markdown() {
    StringBuilder b = new StringBuilder();
    b.append("| ").append(String.join(" | ", columns)).append(" |\n|");
    for (int i = 0; i < columns.size(); i++) {
      b.append(i == 0 ? "---|" : "---:|");
    }
    b.append('\n');
    for (List<Object> r : rows) {
      b.append("| ");
      for (int i = 0; i < r.size(); i++) {
        b.append(i == 0 ? "" : " | ").append(format(r.get(i)).replace("|", "\\|"));
      }
      b.append(" |\n");
    }
    return b.toString();
  }

  String csv() {
    StringBuilder b = new StringBuilder(String.join(",", columns)).append('\n');
    for (List<Object> r : rows) {
      for (int i = 0; i < r.size(); i++) {
        String v = format(r.get(i));
        b.append(i == 0 ? "" : ",").append(v.contains(",") || v.contains("\"") ? '"' + v.replace("\"", "\"\"") + '"'
            : v);
      }
      b.append('\n');
    }
    return b.toString();
  }

  /** One object per row, keyed by column (numbers stay numbers; NaN becomes null). */
  List<Map<String, Object>> records() {
    List<Map<String, Object>> out = new ArrayList<>();
    for (List<Object> r : rows) {
      Map<String, Object> m = new LinkedHashMap<>();
      for (int i = 0; i < columns.size(); i++) {
        Object v = r.get(i);
        m.put(columns.get(i), v instanceof Double d && !Double.isFinite(d) ? null : v);
      }
      out.add(m);
    }
    return out;
  }

  /** Doubles with 3 significant decimals (4 below 0.01), NaN as "–"; everything else as text. */
  static String format(Object v) {
    if (v instanceof Double || v instanceof Float) {
      double d = ((Number) v).doubleValue();
      if (!Double.isFinite(d)) {
        return "-";
      }
      return String.format(Locale.ROOT, Math.abs(d) < 0.01 && d != 0 ? "%.4f" : "%.3f", d);
    }
    return String.valueOf(v);
  }
}
