package dev.lanterne.lab;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.lanterne.LanterneException;
import dev.lanterne.image.Png;
import dev.lanterne.tensor.AtomicFiles;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One experiment's folder under the results: every file goes through {@link AtomicFiles}, and the
 * paths written are recorded (relative to the results root) for the README and the quick test.
 */
final class LabOutput {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final Path root;
  private final String folder;
  private final List<String> written = new ArrayList<>();

  LabOutput(Path root, String folder) {
    this.root = root;
    this.folder = folder;
    AtomicFiles.prepareOutputDir(root.resolve(folder));
  }

  /** The path of a file relative to the results root, as the README links it. */
  String link(String file) {
    return folder + "/" + file;
  }

  List<String> written() {
    return List.copyOf(written);
  }

  String png(String file, BufferedImage image) {
    Png.write(root.resolve(folder).resolve(file), image);
    return record(file);
  }

  String text(String file, String content) {
    AtomicFiles.write(root.resolve(folder).resolve(file), content.getBytes(StandardCharsets.UTF_8));
    return record(file);
  }

  String json(String file, Object value) {
    try {
      return text(file, JSON.writeValueAsString(value) + "\n");
    } catch (IOException e) {
      throw new LanterneException("cannot write " + file + " as JSON: " + e.getMessage(), e);
    }
  }

  /** The table as NAME.csv and NAME.json. */
  void table(Table t) {
    text(t.name() + ".csv", t.csv());
    json(t.name() + ".json", t.records());
  }

  /** The run's parameters and seeds, beside its figures. */
  void params(Map<String, Object> params) {
    json("params.json", params);
  }

  private String record(String file) {
    String l = link(file);
    written.add(l);
    return l;
  }
}
