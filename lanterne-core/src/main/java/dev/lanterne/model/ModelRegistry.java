package dev.lanterne.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lanterne.LanterneException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The model cards Lanterne knows (from onnx/ in the source tree, bundled in the jar), matched to a
 * model file by its SHA-256, or else by file name.
 */
public final class ModelRegistry {
  /** Index of bundled cards, one resource path per line. */
  private static final String INDEX = "/lanterne/onnx/cards.txt";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static List<ModelCard> cards;

  private ModelRegistry() {}

  /**
   * The cards bundled in the jar, read once on first call; an unmodifiable list, empty when the jar holds no
   * card index.
   *
   * @throws java.io.UncheckedIOException when a bundled card cannot be read
   */
  public static synchronized List<ModelCard> cards() {
    if (cards == null) {
      List<ModelCard> list = new ArrayList<>();
      try (InputStream idx = ModelRegistry.class.getResourceAsStream(INDEX)) {
        if (idx != null) {
          for (String line : new String(idx.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
            String path = line.strip();
            if (path.isEmpty() || path.startsWith("#")) {
              continue;
            }
            try (InputStream in = ModelRegistry.class.getResourceAsStream("/lanterne/onnx/" + path)) {
              if (in == null) {
                throw new IllegalStateException("bundled card missing: " + path);
              }
              list.add(JSON.readValue(in, ModelCard.class));
            }
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      cards = List.copyOf(list);
    }
    return cards;
  }

  /** The card whose sha256 matches, else the card whose file name matches. */
  public static Optional<ModelCard> find(String sha256, String fileName) {
    for (ModelCard c : cards()) {
      if (c.sha256() != null && c.sha256().equalsIgnoreCase(sha256)) {
        return Optional.of(c);
      }
    }
    for (ModelCard c : cards()) {
      if (c.file() != null && c.file().equals(fileName)) {
        return Optional.of(c);
      }
    }
    return Optional.empty();
  }

  /** The bundled card with this name (case-insensitive), if any. */
  public static Optional<ModelCard> byName(String name) {
    return cards().stream().filter(c -> c.name().equalsIgnoreCase(name)).findFirst();
  }

  /** A bundled resource beside the cards (the demo model, label files), or null. */
  public static URL resource(String relative) {
    return ModelRegistry.class.getResource("/lanterne/onnx/" + relative);
  }

  /**
   * The bytes of a bundled resource beside the cards, such as the demo model or a label file.
   *
   * @param relative path relative to the cards' folder
   * @throws dev.lanterne.LanterneException when the resource is missing from the jar
   */
  public static byte[] readResource(String relative) {
    try (InputStream in = ModelRegistry.class.getResourceAsStream("/lanterne/onnx/" + relative)) {
      if (in == null) {
        throw new LanterneException("bundled file " + relative + " is missing from the jar; rebuild with ./lanterne");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
