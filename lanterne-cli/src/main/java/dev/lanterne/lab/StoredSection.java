package dev.lanterne.lab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lanterne.tensor.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One experiment's README section and timings, kept in its folder ({@code section.md},
 * {@code section.json}) so that {@code lab --only X} re-makes part X and rebuilds the whole README
 * from the parts it did not re-make. A part stored by a run with other settings (quick vs full, another
 * seed) is not reused.
 */
record StoredSection(Section section, double seconds, Map<String, Double> parts) {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final String MARKDOWN = "section.md";
  static final String META = "section.json";

  static void write(Path root, String id, LabSettings s, Section section, double seconds,
      Map<String, Double> parts) {
    ObjectNode meta = JSON.createObjectNode();
    meta.put("quick", s.quick());
    meta.put("seed", s.seed());
    meta.put("seconds", seconds);
    section.figures().forEach(meta.putArray("figures")::add);
    ObjectNode p = meta.putObject("parts");
    parts.forEach(p::put);
    Path dir = root.resolve(id);
    try {
      Files.createDirectories(dir);
      AtomicFiles.write(dir.resolve(MARKDOWN), section.markdown().getBytes(StandardCharsets.UTF_8));
      AtomicFiles.write(dir.resolve(META), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(meta));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Optional<StoredSection> read(Path root, String id, LabSettings s) {
    Path dir = root.resolve(id);
    if (!Files.isRegularFile(dir.resolve(MARKDOWN)) || !Files.isRegularFile(dir.resolve(META))) {
      return Optional.empty();
    }
    try {
      JsonNode meta = JSON.readTree(dir.resolve(META).toFile());
      if (meta.path("quick").asBoolean() != s.quick() || meta.path("seed").asLong() != s.seed()) {
        return Optional.empty();
      }
      List<String> figures = new ArrayList<>();
      meta.path("figures").forEach(f -> figures.add(f.asText()));
      Map<String, Double> parts = new LinkedHashMap<>();
      meta.path("parts").fields().forEachRemaining(e -> parts.put(e.getKey(), e.getValue().asDouble()));
      String md = Files.readString(dir.resolve(MARKDOWN), StandardCharsets.UTF_8);
      return Optional.of(new StoredSection(Section.stored(md, figures), meta.path("seconds").asDouble(), parts));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
