package dev.lanterne.batch;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import dev.lanterne.LanterneException;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** CSV tables as lists of rows (column name to text), through Jackson's CSV module (RFC 4180 quoting). */
public final class Csv {
  private static final CsvMapper MAPPER = new CsvMapper();

  private Csv() {}

  /** Rows of a CSV file with a header line. */
  public static List<Map<String, String>> read(Path file) {
    CsvSchema schema = CsvSchema.emptySchema().withHeader();
    try (MappingIterator<Map<String, String>> it = MAPPER.readerForMapOf(String.class).with(schema)
        .with(CsvParser.Feature.TRIM_SPACES).readValues(file.toFile())) {
      List<Map<String, String>> rows = new ArrayList<>();
      while (it.hasNext()) {
        rows.add(new LinkedHashMap<>(it.next()));
      }
      return rows;
    } catch (IOException | RuntimeException e) {
      throw new LanterneException("cannot read CSV " + file + " (" + firstLine(e.getMessage()) + ")", e);
    }
  }

  /** The rows as CSV text in the given column order, with or without the header line. */
  public static String format(List<String> columns, List<Map<String, String>> rows, boolean header) {
    CsvSchema.Builder b = CsvSchema.builder();
    for (String c : columns) {
      b.addColumn(c);
    }
    CsvSchema schema = b.build().withUseHeader(header).withLineSeparator("\n");
    StringWriter out = new StringWriter();
    try (var w = MAPPER.writer(schema).writeValues(out)) {
      for (Map<String, String> r : rows) {
        List<String> values = new ArrayList<>(columns.size());
        for (String c : columns) {
          String v = r.get(c);
          values.add(v == null ? "" : v);
        }
        w.write(values);
      }
    } catch (IOException e) {
      throw new LanterneException("cannot format CSV (" + e.getMessage() + ")", e);
    }
    if (header && rows.isEmpty()) {
      return String.join(",", columns) + "\n";
    }
    return out.toString();
  }

  /** UTF-8 bytes of {@link #format}. */
  public static byte[] bytes(List<String> columns, List<Map<String, String>> rows, boolean header) {
    return format(columns, rows, header).getBytes(StandardCharsets.UTF_8);
  }

  static String firstLine(String s) {
    if (s == null) {
      return "unknown error";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
