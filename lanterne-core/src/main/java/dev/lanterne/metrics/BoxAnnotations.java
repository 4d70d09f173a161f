package dev.lanterne.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lanterne.LanterneException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Ground-truth boxes for the pointing game, read from a small JSON file: an array with one entry
 * per image and class,
 *
 * <pre>
 * [{"image": "cat.png", "class": 285, "boxes": [[x0, y0, x1, y1], ...]}, ...]
 * </pre>
 *
 * where "image" is the file name (no folder) as given to --image, and the boxes are in the model's
 * input coordinates (after resize and crop) as described by {@link Box}.
 *
 * @param entries one entry per image and class, in file order
 */
public record BoxAnnotations(List<Entry> entries) {
  /**
   * The boxes of one class in one image.
   *
   * @param image the image's file name, as in the JSON
   * @param classIndex the class the boxes hold
   * @param boxes the boxes, in model input coordinates
   */
  public record Entry(String image, int classIndex, List<Box> boxes) {}

  /** Copies the entries into an unmodifiable list. */
  public BoxAnnotations {
    entries = List.copyOf(entries);
  }

  /** The boxes of this class in this image (matched on the file name), if annotated. */
  public Optional<List<Box>> boxes(String image, int classIndex) {
    String name = Path.of(image).getFileName().toString();
    List<Box> out = new ArrayList<>();
    boolean found = false;
    for (Entry e : entries) {
      if (e.classIndex() == classIndex && Path.of(e.image()).getFileName().toString().equals(name)) {
        out.addAll(e.boxes());
        found = true;
      }
    }
    return found ? Optional.of(out) : Optional.empty();
  }

  /**
   * Reads a box file in the format above.
   *
   * @throws dev.lanterne.LanterneException when the file cannot be read or does not follow the format
   */
  public static BoxAnnotations read(Path file) {
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(file.toFile());
    } catch (IOException e) {
      throw new LanterneException("cannot read boxes " + file + " (" + firstLine(e.getMessage()) + "); " + FORMAT, e);
    }
    return parse(root, file.toString());
  }

  /**
   * Boxes from JSON already read, in the format above.
   *
   * @param source where the JSON came from, for messages
   * @throws dev.lanterne.LanterneException when it does not follow the format
   */
  public static BoxAnnotations parse(JsonNode root, String source) {
    if (root == null || !root.isArray()) {
      throw new LanterneException(source + " is not a JSON array; " + FORMAT);
    }
    List<Entry> entries = new ArrayList<>();
    for (int i = 0; i < root.size(); i++) {
      JsonNode n = root.get(i);
      String where = source + " entry " + i;
      if (!n.isObject() || !n.path("image").isTextual() || !n.path("class").canConvertToInt()
          || !n.path("class").isIntegralNumber() || !n.path("boxes").isArray()) {
        throw new LanterneException(where + " needs \"image\" (text), \"class\" (integer) and \"boxes\"; " + FORMAT);
      }
      List<Box> boxes = new ArrayList<>();
      for (JsonNode b : n.get("boxes")) {
        if (!b.isArray() || b.size() != 4 || !b.get(0).isNumber() || !b.get(1).isNumber() || !b.get(2).isNumber()
            || !b.get(3).isNumber()) {
          throw new LanterneException(where + " has a box that is not [x0, y0, x1, y1]; " + FORMAT);
        }
        try {
          boxes.add(new Box(b.get(0).asDouble(), b.get(1).asDouble(), b.get(2).asDouble(), b.get(3).asDouble()));
        } catch (IllegalArgumentException e) {
          throw new LanterneException(where + ": " + e.getMessage() + "; write boxes as [x0, y0, x1, y1]");
        }
      }
      entries.add(new Entry(n.get("image").asText(), n.get("class").asInt(), boxes));
    }
    return new BoxAnnotations(entries);
  }

  private static final String FORMAT = "the format is [{\"image\": \"cat.png\", \"class\": 285, \"boxes\":"
      + " [[x0, y0, x1, y1]]}] in model input pixels";

  private static String firstLine(String s) {
    return s == null ? "" : s.lines().findFirst().orElse("");
  }
}
