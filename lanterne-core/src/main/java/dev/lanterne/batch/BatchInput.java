package dev.lanterne.batch;

import dev.lanterne.LanterneException;
import dev.lanterne.metrics.Box;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * One image of a batch run: its file, an optional ground-truth label (a label or a class index) and
 * optional boxes (model input pixels) for the pointing game.
 *
 * @param path the image file, absolute and normalised
 * @param label ground-truth label or class index, or "" when unknown
 * @param boxes boxes of the labelled object, empty when none
 */
public record BatchInput(Path path, String label, List<Box> boxes) {
  /** File extensions a folder input picks up. */
  public static final Set<String> EXTENSIONS = Set.of("png", "jpg", "jpeg", "bmp", "gif", "webp", "tif", "tiff");

  /** Makes the path absolute and normalised, strips the label (null: "") and copies the boxes. */
  public BatchInput {
    path = path.toAbsolutePath().normalize();
    label = label == null ? "" : label.strip();
    boxes = List.copyOf(boxes);
  }

  /** An image without label or boxes. */
  public static BatchInput of(Path path) {
    return new BatchInput(path, "", List.of());
  }

  /**
   * Reads the images a source names: a folder (every image under it, recursively, in path order), a
   * CSV manifest ({@code .csv}: a header with {@code path} and optionally {@code label} and
   * {@code boxes}), or a list file (one path per line; {@code #} starts a comment). Relative paths
   * in files are relative to the file's folder.
   */
  public static List<BatchInput> read(Path source) {
    if (Files.isDirectory(source)) {
      return folder(source);
    }
    if (!Files.isRegularFile(source)) {
      throw LanterneException.usage("input " + source + " does not exist; give a folder, a list file or a CSV manifest");
    }
    String name = source.getFileName().toString().toLowerCase(Locale.ROOT);
    List<BatchInput> out = name.endsWith(".csv") ? csv(source) : list(source);
    if (out.isEmpty()) {
      throw LanterneException.usage("input " + source + " names no image");
    }
    return out;
  }

  private static List<BatchInput> folder(Path dir) {
    try (Stream<Path> walk = Files.walk(dir)) {
      List<BatchInput> out = walk.filter(Files::isRegularFile).filter(BatchInput::isImageName)
          .map(p -> p.toAbsolutePath().normalize()).sorted().map(BatchInput::of).toList();
      if (out.isEmpty()) {
        throw LanterneException.usage("folder " + dir + " has no image (" + String.join(", ", EXTENSIONS.stream()
            .sorted().toList()) + ")");
      }
      return out;
    } catch (IOException | java.io.UncheckedIOException e) {
      throw new LanterneException("cannot list " + dir + " (" + e.getMessage() + ")", e);
    }
  }

  static boolean isImageName(Path p) {
    String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
    int dot = n.lastIndexOf('.');
    return dot > 0 && EXTENSIONS.contains(n.substring(dot + 1)) && !n.startsWith(".");
  }

  private static List<BatchInput> list(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file);
    } catch (IOException e) {
      throw new LanterneException("cannot read list " + file + " (" + e.getMessage() + ")", e);
    }
    Path base = file.toAbsolutePath().getParent();
    List<BatchInput> out = new ArrayList<>();
    for (String line : lines) {
      String l = line.strip();
      if (!l.isEmpty() && !l.startsWith("#")) {
        out.add(BatchInput.of(base.resolve(l)));
      }
    }
    return out;
  }

  private static List<BatchInput> csv(Path file) {
    Path base = file.toAbsolutePath().getParent();
    List<BatchInput> out = new ArrayList<>();
    int line = 1;
    for (Map<String, String> row : Csv.read(file)) {
      line++;
      String p = row.get("path");
      if (p == null) {
        throw LanterneException.usage("CSV manifest " + file + " needs a header with a 'path' column"
            + " (and optionally 'label' and 'boxes')");
      }
      if (p.isBlank()) {
        throw LanterneException.usage("CSV manifest " + file + " line " + line + " has no path");
      }
      out.add(new BatchInput(base.resolve(p.strip()), row.getOrDefault("label", ""),
          parseBoxes(row.getOrDefault("boxes", ""), file + " line " + line)));
    }
    return out;
  }

  /** Boxes written as "x0 y0 x1 y1; x0 y0 x1 y1" (model input pixels). */
  public static List<Box> parseBoxes(String text, String where) {
    List<Box> out = new ArrayList<>();
    if (text == null || text.isBlank()) {
      return out;
    }
    for (String part : text.split(";")) {
      if (part.isBlank()) {
        continue;
      }
      String[] v = part.strip().split("[\\s,]+");
      try {
        if (v.length != 4) {
          throw new IllegalArgumentException("a box is four numbers");
        }
        out.add(new Box(Double.parseDouble(v[0]), Double.parseDouble(v[1]), Double.parseDouble(v[2]),
            Double.parseDouble(v[3])));
      } catch (IllegalArgumentException e) {
        throw LanterneException.usage(where + ": box '" + part.strip() + "' is not 'x0 y0 x1 y1' ("
            + e.getMessage() + "); separate boxes with ';'");
      }
    }
    return out;
  }

  /** The boxes as {@link #parseBoxes} reads them. */
  public static String formatBoxes(List<Box> boxes) {
    List<String> parts = new ArrayList<>();
    for (Box b : boxes) {
      parts.add(num(b.x0()) + " " + num(b.y0()) + " " + num(b.x1()) + " " + num(b.y1()));
    }
    return String.join("; ", parts);
  }

  private static String num(double d) {
    return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
  }
}
