package dev.lanterne.explain.inversion;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lanterne.image.DisplayStretch;
import dev.lanterne.image.PanelGrid;
import dev.lanterne.image.Png;
import dev.lanterne.image.Preprocessor;
import dev.lanterne.model.Labels;
import dev.lanterne.model.ModelCard;
import dev.lanterne.tensor.AtomicFiles;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes an inversion or dream run: the final image per target (PNG at the model's input size,
 * denormalised and clipped: exactly what the model scored), a progress strip per target, a grid
 * across targets (after the original photo, for a dream) titled with label and final probability,
 * and explanations.json with the objective and probability per step. The grid and strips show
 * each picture with a per-image 1-99% percentile stretch ({@link DisplayStretch}), stated in
 * every caption.
 */
public final class InversionOutputs {
  private InversionOutputs() {}

  /**
   * @param names one short name per image for file names and titles (e.g. "130 flamingo")
   * @param targets the output column each image climbed
   * @param method "invert" or "dream"
   * @param settings the options, for explanations.json
   * @return the files written
   */
  public static List<Path> write(Path dir, AscentTrace trace, int[] targets, List<String> names, ModelCard card,
      String method, Map<String, Object> settings) {
    return write(dir, trace, targets, names, card, method, settings, null);
  }

  /**
   * As {@link #write(Path, AscentTrace, int[], List, ModelCard, String, Map)}, with the photo a
   * dream started from as the grid's first panel (shown as it is, unstretched).
   *
   * @param original the start image as the model saw it, with a caption, or null
   */
  public static List<Path> write(Path dir, AscentTrace trace, int[] targets, List<String> names, ModelCard card,
      String method, Map<String, Object> settings, PanelGrid.Panel original) {
    Preprocessor pre = Preprocessor.forCard(card);
    List<Path> written = new ArrayList<>();
    List<PanelGrid.Panel> finals = new ArrayList<>();
    if (original != null) {
      finals.add(original);
    }
    ObjectMapper json = new ObjectMapper();
    ObjectNode root = json.createObjectNode();
    root.put("method", method);
    root.set("settings", json.valueToTree(settings));
    ArrayNode images = root.putArray("images");
    for (int i = 0; i < trace.n(); i++) {
      String stem = method + "-" + slug(names.get(i));
      BufferedImage img = pre.toImage(trace.image(i));
      Path file = dir.resolve(stem + ".png");
      Png.write(file, img);
      written.add(file);
      float p = trace.finalProbability(i);
      DisplayStretch.Stretched shown = DisplayStretch.percentile(img);
      finals.add(new PanelGrid.Panel(shown.image(), names.get(i) + "\n" + (Float.isNaN(p)
          ? String.format(Locale.ROOT, "objective %.3g", trace.finalObjective(i))
          : String.format(Locale.ROOT, "p = %.3f", p)) + "\n" + shown.caption()));
      ObjectNode e = images.addObject();
      e.put("target", targets[i]);
      e.put("name", names.get(i));
      e.put("image", file.getFileName().toString());
      e.put("finalObjective", trace.finalObjective(i));
      if (!Float.isNaN(p)) {
        e.put("finalProbability", p);
      }
      e.put("highFrequencyEnergy", HighFrequencyEnergy.fraction(
          HighFrequencyEnergy.toPixels(trace.image(i), card.mean(), card.std()), card.height(), card.width()));
      ArrayNode obj = e.putArray("objectivePerStep");
      ArrayNode prob = e.putArray("probabilityPerStep");
      for (int t = 0; t < trace.objective()[i].length; t++) {
        obj.add(trace.objective()[i][t]);
        if (!Float.isNaN(trace.probability()[i][t])) {
          prob.add(trace.probability()[i][t]);
        }
      }
      if (!trace.snapshots().isEmpty()) {
        List<PanelGrid.Panel> strip = new ArrayList<>();
        int per = trace.perImage();
        for (AscentTrace.Snapshot s : trace.snapshots()) {
          float[] one = Arrays.copyOfRange(s.images(), i * per, (i + 1) * per);
          DisplayStretch.Stretched st = DisplayStretch.percentile(pre.toImage(one));
          strip.add(new PanelGrid.Panel(st.image(), "step " + s.step() + "\n" + st.caption()));
        }
        Path stripFile = dir.resolve(stem + "-progress.png");
        Png.write(stripFile, PanelGrid.render(List.of(strip), null, 0));
        written.add(stripFile);
        e.put("progress", stripFile.getFileName().toString());
      }
    }
    Path grid = dir.resolve(method + "-grid.png");
    Png.write(grid, PanelGrid.render(List.of(finals), null, 0));
    written.add(grid);
    Path jsonFile = dir.resolve(dev.lanterne.explain.ExplanationWriter.JSON_FILE);
    try {
      AtomicFiles.write(jsonFile, json.writerWithDefaultPrettyPrinter().writeValueAsString(root)
          .getBytes(StandardCharsets.UTF_8));
    } catch (com.fasterxml.jackson.core.JsonProcessingException ex) {
      throw new IllegalStateException(ex);
    }
    written.add(jsonFile);
    return written;
  }

  /** "130 flamingo" for a class with a label, "130" without. */
  public static String name(int cls, Labels labels) {
    String l = cls < labels.size() ? labels.get(cls) : null;
    return l == null || l.isBlank() ? String.valueOf(cls) : cls + " " + l;
  }

  /** A file-name-safe form: lower case letters, digits and dashes. */
  static String slug(String s) {
    String t = s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
    return t.isEmpty() ? "image" : t.length() > 48 ? t.substring(0, 48) : t;
  }
}
