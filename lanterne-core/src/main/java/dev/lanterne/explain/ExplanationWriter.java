package dev.lanterne.explain;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
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
 *   <li>{@code <image>_<method>_c<class>.png}: the map drawn over the image the model saw (in the
 *       {@link Overlay.Style}: Captum's modes and signs, outliers clipped), titled, with its colour bar;
 *   <li>{@code <image>_<method>_c<class>.npy}: the raw map, float32 [H,W];
 *   <li>{@code <image>_<method>_c<class>_raw.npy}: the raw [C,H,W] attribution, when asked for and present;
 *   <li>{@code grid.png}: one row per image: the image, then each of its maps, titled
 *       "method · label · p probability · layer" and with a colour bar in the map's real values;
 *   <li>{@code explanations.json}: one entry per map with image, method, class, label, score,
 *       probability, file names and the method's details.
 * </ul>
 *
 * <p>With a shared scale, the maps of one image and one method (the classes, or the settings of a
 * sweep) are drawn on one scale, so a map with half the values of another looks half as hot; it is
 * on by default when one image has maps of several classes.
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

  /** File name of the grid of every image and map. */
  public static final String GRID = "grid.png";
  /** File name of the summary of every explanation (classes, scores, files). */
  public static final String JSON_FILE = "explanations.json";
  private static final int MIN_PANEL = 224;
  private static final int MAX_MAPS_PER_ROW = 6;
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /**
   * How maps are drawn and what is written.
   *
   * @param style how maps are drawn (mode, sign, clipping, colour map, opacity)
   * @param sharedScale one scale per image and method (true), one per map (false), or null for
   *     shared exactly when an image has maps of several classes
   * @param raw whether to write the raw [C,H,W] attribution of explanations that carry one
   * @param grid whether to write grid.png
   */
  public record Options(Overlay.Style style, Boolean sharedScale, boolean raw, boolean grid) {
    /** Checks that a style is given. */
    public Options {
      if (style == null) {
        throw new IllegalArgumentException("a style is needed");
      }
    }

    /** Captum's defaults (blended heat map of |map|, 2% clipped), automatic shared scale, no raw arrays, a grid. */
    public static Options defaults() {
      return new Options(Overlay.Style.defaults(), null, false, true);
    }

    /** The same options with another drawing style. */
    public Options withStyle(Overlay.Style s) {
      return new Options(s, sharedScale, raw, grid);
    }

    /** The same options with another colour map (null: the sign's default). */
    public Options withColorMap(ColorMap m) {
      return withStyle(style.withColorMap(m));
    }

    /** The same options with another heat-map opacity, in [0,1]. */
    public Options withOpacity(float o) {
      return withStyle(style.withOpacity(o));
    }

    /** true: one scale per image and method; false: one per map; null: automatic. */
    public Options withSharedScale(Boolean shared) {
      return new Options(style, shared, raw, grid);
    }

    /** The same options, writing the raw attributions or not. */
    public Options withRaw(boolean r) {
      return new Options(style, sharedScale, r, grid);
    }

    /** The same options, writing grid.png or not. */
    public Options withGrid(boolean g) {
      return new Options(style, sharedScale, raw, g);
    }
  }

  /**
   * The files of one map, relative to the output folder.
   *
   * @param overlay the overlay picture (.png)
   * @param map the map [H,W] (.npy)
   * @param raw the raw attribution [C,H,W] (.npy), or null when not written
   */
  public record Files(String overlay, String map, String raw) {}

  /**
   * Everything written.
   *
   * @param files the files of each explanation, in the order given
   * @param grid the grid picture, or null when not written
   * @param json the explanations.json file
   */
  public record Written(List<Files> files, Path grid, Path json) {}

  private final Path outDir;
  private final Options options;

  /**
   * A writer into a folder, created when missing. Files are written atomically; existing ones are replaced.
   */
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
    List<Overlay.Scale> scales = scales(explanations, options.style(), options.sharedScale());
    for (int k = 0; k < explanations.size(); k++) {
      Explanation e = explanations.get(k);
      String method = safe(e.method());
      String base = unique(stems.get(e.image()) + "_" + (method.length() > 60 ? method.substring(0, 60) : method)
          + "_c" + e.classIndex(), used);
      BufferedImage overlay = picture(shown.get(e.image()), e, options.style(), scales.get(k));
      Files f = new Files(base + ".png", base + ".npy",
          options.raw() && e.raw() != null ? base + "_raw.npy" : null);
      Png.write(outDir.resolve(f.overlay()),
          PanelGrid.render(List.of(List.of(new PanelGrid.Panel(overlay, title(e)))), null, 0));
      Npy.write(outDir.resolve(f.map()), e.map());
      if (f.raw() != null) {
        Npy.write(outDir.resolve(f.raw()), e.raw());
      }
      files.add(f);
      entries.add(entry(inputNames.get(e.image()), e, f, options.style(), scales.get(k)));
      panelsByImage.computeIfAbsent(e.image(), x -> new ArrayList<>()).add(new PanelGrid.Panel(overlay, title(e)));
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

  /**
   * The title of a map's panel: "method · label · p 0.832", then "· layer NAME" for a CAM (an
   * explanation whose details name a layer; see {@link #shortLayer}).
   */
  public static String title(Explanation e) {
    String label = e.label() == null || e.label().isBlank() ? "class " + e.classIndex() : e.label();
    // no-break spaces keep "p 0.832" and "layer NAME" together when the title wraps
    String t = e.method() + " · " + label + " · p\u00a0" + probability(e.probability());
    Object layer = e.details() == null ? null : e.details().get("layer");
    return layer == null ? t : t + " · layer\u00a0" + shortLayer(layer.toString());
  }

  /**
   * A layer tensor's name for a title: converters join fused names with ';'
   * ("MobilenetV2/Conv_1/Relu6;MobilenetV2/Conv_1/add_fold;..."), the first is the layer's own.
   */
  public static String shortLayer(String layer) {
    int semi = layer.indexOf(';');
    return semi > 0 ? layer.substring(0, semi) : layer;
  }

  /** A probability for a title: 3 decimals, or 2 significant digits below 0.001. */
  public static String probability(double p) {
    if (Double.isNaN(p)) {
      return "n/a";
    }
    return p >= 0.001 || p == 0 ? String.format(Locale.ROOT, "%.3f", p) : String.format(Locale.ROOT, "%.1e", p);
  }

  /**
   * One scale per explanation: shared by the maps of one image and one method when {@code shared}
   * is true (or null and the image has maps of several classes), else each map's own.
   */
  public static List<Overlay.Scale> scales(List<Explanation> explanations, Overlay.Style style, Boolean shared) {
    Map<String, List<Integer>> groups = new LinkedHashMap<>();
    Map<Integer, Set<Integer>> classesPerImage = new HashMap<>();
    for (int k = 0; k < explanations.size(); k++) {
      Explanation e = explanations.get(k);
      groups.computeIfAbsent(e.image() + "\u0000" + e.method(), x -> new ArrayList<>()).add(k);
      classesPerImage.computeIfAbsent(e.image(), x -> new HashSet<>()).add(e.classIndex());
    }
    Overlay.Scale[] out = new Overlay.Scale[explanations.size()];
    for (List<Integer> group : groups.values()) {
      int image = explanations.get(group.get(0)).image();
      boolean share = shared != null ? shared : classesPerImage.get(image).size() > 1;
      if (share) {
        List<float[]> maps = new ArrayList<>();
        for (int k : group) {
          maps.add(explanations.get(k).map().data());
        }
        Overlay.Scale s = Overlay.scale(style, maps);
        for (int k : group) {
          out[k] = s;
        }
      } else {
        for (int k : group) {
          out[k] = Overlay.scale(style, explanations.get(k).map().data());
        }
      }
    }
    return List.of(out);
  }

  /** A map drawn over its image in the style and scale, at least 224 pixels, with its colour bar. */
  public static BufferedImage picture(BufferedImage shown, Explanation e, Overlay.Style style, Overlay.Scale scale) {
    BufferedImage drawn = Overlay.render(shown, e.map().data(), e.width(), e.height(), style, scale);
    return Overlay.withColorBar(drawn, style, scale, MIN_PANEL);
  }

  private static BufferedImage gridImage(List<String> names, List<BufferedImage> shown,
      Map<Integer, List<PanelGrid.Panel>> panelsByImage) {
    List<List<PanelGrid.Panel>> rows = new ArrayList<>();
    for (int i = 0; i < shown.size(); i++) {
      List<PanelGrid.Panel> maps = panelsByImage.get(i);
      if (maps == null) {
        continue;
      }
      // long rows (sweeps, many classes) continue on the next line, under the maps
      for (int from = 0; from < maps.size(); from += MAX_MAPS_PER_ROW) {
        List<PanelGrid.Panel> row = new ArrayList<>();
        row.add(from == 0 ? new PanelGrid.Panel(shown.get(i), fileName(names.get(i))) : null);
        row.addAll(maps.subList(from, Math.min(maps.size(), from + MAX_MAPS_PER_ROW)));
        rows.add(row);
      }
    }
    return PanelGrid.render(rows, null, MIN_PANEL);
  }

  private static Map<String, Object> entry(String imageName, Explanation e, Files f, Overlay.Style style,
      Overlay.Scale scale) {
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
    Map<String, Object> display = new LinkedHashMap<>();
    display.put("mode", style.mode().id());
    display.put("sign", style.sign().id());
    display.put("clipPercent", style.clipPercent());
    display.put("colormap", style.colors().id());
    display.put("low", scale.value(0));
    display.put("high", scale.value(1));
    entry.put("display", display);
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
    return dev.lanterne.tensor.FileNames.safe(s);
  }
}
