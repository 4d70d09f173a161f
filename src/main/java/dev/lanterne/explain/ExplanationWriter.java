package dev.lanterne.explain;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.lanterne.LanterneException;
import dev.lanterne.image.ColorMap;
import dev.lanterne.image.Overlay;
import dev.lanterne.image.PanelGrid;
import dev.lanterne.image.Png;
import dev.lanterne.tensor.AtomicFiles;
import dev.lanterne.tensor.Npy;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Writes the results of any explanation method to an output folder, atomically:
 * <ul>
 *   <li>{@code <image>_<method>_c<class>.png}: the map over the image the model saw;
 *   <li>{@code <image>_<method>_c<class>.npy}: the raw map, float32 [H,W];
 *   <li>{@code <image>_<method>_c<class>_raw.npy}: the raw [C,H,W] attribution, when asked for and present;
 *   <li>{@code grid.png}: one row per image: the image, then each of its maps, titled
 *       "method · label · score";
 *   <li>{@code explanations.json}: one entry per map with image, method, class, label, score,
 *       probability, file names and the method's details.
 * </ul>
 */
public final class ExplanationWriter {
  /**
   * Writes overlays, .npy maps, grid.png and explanations.json for explanations of a batch, with the
   * default drawing options.
   *
   * @return the files written
   */
  public static Written save(Path dir, Images images, List<Explanation> explanations) {
    return new ExplanationWriter(dir, Options.defaults()).write(images.names(), images.shown(), explanations);
  }

  public static final String GRID = "grid.png";
  public static final String JSON_FILE = "explanations.json";
  private static final int MIN_PANEL = 224;
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /**
   * How maps are drawn and what is written.
   *
   * @param colorMap colour map of the overlays
   * @param opacity weight of the heat map over the image, in [0,1]
   * @param raw whether to write the raw [C,H,W] attribution of explanations that carry one
   * @param grid whether to write grid.png
   */
  public record Options(ColorMap colorMap, float opacity, boolean raw, boolean grid) {
    public Options {
      if (colorMap == null) {
        throw new IllegalArgumentException("a colour map is needed");
      }
      if (!(opacity >= 0 && opacity <= 1)) {
        throw LanterneException.usage("--opacity must be between 0 and 1, got " + opacity);
      }
    }

    /** jet at opacity 0.5, no raw arrays, with a grid. */
    public static Options defaults() {
      return new Options(ColorMap.JET, 0.5f, false, true);
    }

    public Options withColorMap(ColorMap m) {
      return new Options(m, opacity, raw, grid);
    }

    public Options withOpacity(float o) {
      return new Options(colorMap, o, raw, grid);
    }

    public Options withRaw(boolean r) {
      return new Options(colorMap, opacity, r, grid);
    }

    public Options withGrid(boolean g) {
      return new Options(colorMap, opacity, raw, g);
    }
  }

  /** The files of one map, relative to the output folder (raw is null when not written). */
  public record Files(String overlay, String map, String raw) {}

  /** Everything written: per explanation (in input order) its files, and the grid and JSON paths. */
  public record Written(List<Files> files, Path grid, Path json) {}

  private final Path outDir;
  private final Options options;

  public ExplanationWriter(Path outDir, Options options) {
    this.outDir = outDir;
    this.options = options;
  }

  /**
   * Writes all files for the explanations.
   *
   * @param inputNames the name of each input (a file name or path; its stem names the files)
   * @param shown each input as the model saw it (after resize and crop)
   * @param explanations maps whose {@link Explanation#image()} indexes the two lists
   */
  public Written write(List<String> inputNames, List<BufferedImage> shown, List<Explanation> explanations) {
    if (inputNames.size() != shown.size()) {
      throw new IllegalArgumentException(inputNames.size() + " input names but " + shown.size() + " images");
    }
    for (Explanation e : explanations) {
      if (e.image() < 0 || e.image() >= shown.size()) {
        throw new IllegalArgumentException("explanation for image " + e.image() + " but only " + shown.size()
            + " images");
      }
      if (e.map().rank() != 2) {
        throw new IllegalArgumentException("a map must be [H,W], got " + e.map());
      }
    }
    AtomicFiles.prepareOutputDir(outDir);
    List<String> stems = stems(inputNames);
    Set<String> used = new HashSet<>();
    List<Files> files = new ArrayList<>();
    List<Map<String, Object>> entries = new ArrayList<>();
    Map<Integer, List<PanelGrid.Panel>> panelsByImage = new HashMap<>();
    for (Explanation e : explanations) {
      String method = safe(e.method());
      String base = unique(stems.get(e.image()) + "_" + (method.length() > 60 ? method.substring(0, 60) : method)
          + "_c" + e.classIndex(), used);
      BufferedImage overlay = Overlay.blend(shown.get(e.image()), e.map().data(), e.width(), e.height(),
          options.colorMap(), options.opacity());
      Files f = new Files(base + ".png", base + ".npy",
          options.raw() && e.raw() != null ? base + "_raw.npy" : null);
      Png.write(outDir.resolve(f.overlay()), overlay);
      Npy.write(outDir.resolve(f.map()), e.map());
      if (f.raw() != null) {
        Npy.write(outDir.resolve(f.raw()), e.raw());
      }
      files.add(f);
      entries.add(entry(inputNames.get(e.image()), e, f));
      panelsByImage.computeIfAbsent(e.image(), k -> new ArrayList<>()).add(new PanelGrid.Panel(overlay, title(e)));
    }
    Path grid = null;
    if (options.grid() && !explanations.isEmpty()) {
      grid = outDir.resolve(GRID);
      Png.write(grid, gridImage(inputNames, shown, panelsByImage));
    }
    Path json = outDir.resolve(JSON_FILE);
    AtomicFiles.write(json, toJson(entries));
    return new Written(files, grid, json);
  }

  /** The title of a map's panel: "method · label · score". */
  public static String title(Explanation e) {
    String label = e.label() == null || e.label().isBlank() ? "class " + e.classIndex() : e.label();
    return e.method() + " · " + label + " · " + String.format(Locale.ROOT, "%.4g", e.score());
  }

  private static BufferedImage gridImage(List<String> names, List<BufferedImage> shown,
      Map<Integer, List<PanelGrid.Panel>> panelsByImage) {
    List<List<PanelGrid.Panel>> rows = new ArrayList<>();
    for (int i = 0; i < shown.size(); i++) {
      List<PanelGrid.Panel> maps = panelsByImage.get(i);
      if (maps == null) {
        continue;
      }
      List<PanelGrid.Panel> row = new ArrayList<>();
      row.add(new PanelGrid.Panel(shown.get(i), fileName(names.get(i))));
      row.addAll(maps);
      rows.add(row);
    }
    return PanelGrid.render(rows, null, MIN_PANEL);
  }

  private static Map<String, Object> entry(String imageName, Explanation e, Files f) {
    Map<String, Object> entry = new LinkedHashMap<>();
    entry.put("image", imageName);
    entry.put("method", e.method());
    entry.put("class", e.classIndex());
    entry.put("label", e.label());
    entry.put("score", e.score());
    entry.put("probability", e.probability());
    Map<String, Object> fileMap = new LinkedHashMap<>();
    fileMap.put("overlay", f.overlay());
    fileMap.put("map", f.map());
    if (f.raw() != null) {
      fileMap.put("raw", f.raw());
    }
    entry.put("files", fileMap);
    entry.put("details", e.details() == null ? Map.of() : e.details());
    return entry;
  }

  private static byte[] toJson(List<Map<String, Object>> entries) {
    try {
      return JSON.writeValueAsBytes(entries);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("explanation details must be plain JSON values: " + e.getMessage(), e);
    }
  }

  /** The longest stem taken from an input's name, so every file name written fits any file system (255). */
  static final int MAX_STEM = 100;

  /**
   * File-name stems of the inputs, made unique by a numeric suffix where two inputs share one. A long
   * name is shortened (its start kept, a hash of the whole added), so the files' names can always be
   * written, whatever method and class follow it.
   */
  static List<String> stems(List<String> names) {
    Set<String> used = new HashSet<>();
    List<String> stems = new ArrayList<>();
    for (String name : names) {
      String file = fileName(name);
      int dot = file.lastIndexOf('.');
      String stem = safe(dot > 0 ? file.substring(0, dot) : file);
      if (stem.length() > MAX_STEM) {
        stem = stem.substring(0, MAX_STEM - 9) + "~" + String.format("%08x", stem.hashCode());
      }
      stems.add(unique(stem, used));
    }
    return stems;
  }

  private static String fileName(String name) {
    String n = name.replace('\\', '/');
    return n.substring(n.lastIndexOf('/') + 1);
  }

  private static String unique(String base, Set<String> used) {
    String name = base;
    for (int k = 2; !used.add(name); k++) {
      name = base + "-" + k;
    }
    return name;
  }

  private static String safe(String s) {
    String cleaned = s == null ? "" : s.replaceAll("[^A-Za-z0-9._+-]", "_");
    return cleaned.isEmpty() ? "x" : cleaned;
  }
}
