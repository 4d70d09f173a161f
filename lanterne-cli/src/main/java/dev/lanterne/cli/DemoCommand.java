package dev.lanterne.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lanterne.LanterneException;
import dev.lanterne.demo.ShapeKind;
import dev.lanterne.demo.ShapeSample;
import dev.lanterne.demo.Shapes;
import dev.lanterne.image.ColorMap;
import dev.lanterne.image.Overlay;
import dev.lanterne.image.PanelGrid;
import dev.lanterne.image.Png;
import dev.lanterne.tensor.AtomicFiles;
import dev.lanterne.tensor.Npy;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/**
 * `lanterne demo`: the main job on a built-in default. Generates one picture of each shape (with its
 * true object box), classifies them with the bundled demo model, explains them with every method,
 * scores the explanations, and writes an overview grid and a summary to results/demo/. Each step is
 * a real command run in-process, so the demo also shows how to call them.
 */
public final class DemoCommand implements Command {
  /** Seeds 1 and 2 made the demo model's training and test sets; the demo draws from another set. */
  static final long PICTURE_SET = 7;

  @Override
  public String name() {
    return "demo";
  }

  @Override
  public String summary() {
    return "classify and explain generated shapes with the built-in model, with every method -> results/demo";
  }

  @Override
  public Options options() {
    Options o = new Options();
    CommonOptions.out(o, false);
    CommonOptions.seed(o);
    o.addOption(Option.builder().longOpt("masks").hasArg().argName("N")
        .desc("RISE masks per picture (default 2000)").build());
    o.addOption(Option.builder().longOpt(CommonOptions.VERBOSE).desc("print stack traces").build());
    return o;
  }

  @Override
  public int run(CommandLine cl) throws IOException {
    Path out = CliSupport.outDir(cl, Path.of("results", "demo").toString());
    long seed = CliSupport.seed(cl);
    int masks = CliSupport.intOption(cl, "masks", 2000, 100, 100_000);
    String verbose = cl.hasOption(CommonOptions.VERBOSE) ? "--verbose" : null;

    List<ShapeSample> samples = onePerClass(new Shapes(), PICTURE_SET + seed);
    Path inputs = out.resolve("inputs");
    List<String> images = new ArrayList<>();
    ArrayNode boxes = new ObjectMapper().createArrayNode();
    for (ShapeSample s : samples) {
      Path png = inputs.resolve(s.kind().label() + ".png");
      Png.write(png, s.image());
      images.add(png.toString());
      ObjectNode b = boxes.addObject();
      b.put("image", png.getFileName().toString());
      b.put("class", s.label());
      ArrayNode coords = b.putArray("boxes").addArray();
      coords.add(s.box().x0()).add(s.box().y0()).add(s.box().x1()).add(s.box().y1());
    }
    Path boxFile = out.resolve("boxes.json");
    writeJson(boxFile, boxes);

    step("1/6 classify the generated pictures with the demo model");
    run(args("classify", "--top", "3", verbose, "--image", images));
    step("2/6 gradient methods: saliency, SmoothGrad, Integrated Gradients, Grad-CAM, Grad-CAM++, guided Grad-CAM");
    run(args("explain", "--methods", "saliency,smoothgrad,integrated,gradcam,gradcam++,guided-gradcam",
        "--seed", String.valueOf(seed), "--out", out.resolve("gradients").toString(), verbose, "--image", images));
    step("3/6 RISE (" + masks + " masks) and occlusion (8x8 window, stride 4)");
    run(args("rise", "--masks", String.valueOf(masks), "--grid", "7", "--seed", String.valueOf(seed),
        "--save-masks", "16", "--out", out.resolve("rise").toString(), verbose, "--image", images));
    run(args("occlusion", "--window", "8", "--stride", "4", "--out", out.resolve("occlusion").toString(), verbose,
        "--image", images));
    step("4/6 score every method: deletion/insertion AUC and the pointing game on the true object boxes");
    run(args("evaluate", "--methods", "saliency,smoothgrad,integrated,gradcam,gradcam++,rise,occlusion,edges,random",
        "--masks", String.valueOf(Math.min(masks, 1000)), "--window", "8", "--stride", "4", "--boxes",
        boxFile.toString(), "--tolerance", "0", "--step", "16", "--seed", String.valueOf(seed), "--out",
        out.resolve("evaluate").toString(), verbose, "--image", images));
    step("5/6 class-model inversion: what the demo model imagines each shape to be");
    boolean inverted = Main.commands().stream().anyMatch(c -> c.name().equals("invert"));
    if (inverted) {
      List<String> inv = new ArrayList<>(List.of("invert", "--steps", "150", "--blur-every", "4", "--blur-sigma",
          "0.5", "--seed", String.valueOf(seed), "--out", out.resolve("invert").toString()));
      inv.add("--class");
      for (ShapeKind k : ShapeKind.values()) {
        inv.add(String.valueOf(k.ordinal()));
      }
      run(args(inv.toArray(new String[0])));
    }
    step("6/6 overview grid and summary");
    Path overview = writeOverview(out, samples);
    Path summary = writeSummary(out, samples, inverted);
    System.out.println("\nwrote " + CliSupport.shown(overview) + " and " + CliSupport.shown(summary));
    return 0;
  }

  /** The first picture of each class in a seeded set. */
  static List<ShapeSample> onePerClass(Shapes shapes, long setSeed) {
    Map<ShapeKind, ShapeSample> first = new LinkedHashMap<>();
    for (ShapeKind k : ShapeKind.values()) {
      first.put(k, null);
    }
    for (ShapeSample s : shapes.samples(setSeed, 200)) {
      if (first.get(s.kind()) == null) {
        first.put(s.kind(), s);
      }
    }
    List<ShapeSample> out = new ArrayList<>();
    for (ShapeSample s : first.values()) {
      if (s != null) {
        out.add(s);
      }
    }
    return out;
  }

  private static void step(String what) {
    System.out.println("\n== " + what);
  }

  private static String[] args(Object... parts) {
    List<String> out = new ArrayList<>();
    for (Object p : parts) {
      if (p instanceof List<?> l) {
        l.forEach(x -> out.add(String.valueOf(x)));
      } else if (p instanceof String[] a) {
        out.addAll(List.of(a));
      } else if (p != null) {
        out.add(String.valueOf(p));
      }
    }
    return out.toArray(new String[0]);
  }

  private static void run(String[] args) {
    int code = Main.run(args);
    if (code != 0) {
      throw new LanterneException("demo step 'lanterne " + args[0] + "' failed (exit " + code
          + "); run lanterne demo --verbose for details");
    }
  }

  /** One row per picture: the picture with its true box, then every method's map over it. */
  private static Path writeOverview(Path out, List<ShapeSample> samples) throws IOException {
    ObjectMapper json = new ObjectMapper();
    Map<String, Map<String, JsonNode>> byImage = new LinkedHashMap<>();
    for (String dir : List.of("gradients", "rise", "occlusion")) {
      Path f = out.resolve(dir).resolve("explanations.json");
      if (!Files.isRegularFile(f)) {
        continue;
      }
      for (JsonNode e : json.readTree(f.toFile())) {
        JsonNode entry = ((ObjectNode) e).put("dir", dir);
        byImage.computeIfAbsent(e.get("image").asText(), k -> new LinkedHashMap<>())
            .put(e.get("method").asText(), entry);
      }
    }
    List<List<PanelGrid.Panel>> rows = new ArrayList<>();
    for (ShapeSample s : samples) {
      List<PanelGrid.Panel> row = new ArrayList<>();
      row.add(new PanelGrid.Panel(withBox(s), "true: " + s.kind().label()));
      for (JsonNode e : byImage.getOrDefault(s.kind().label() + ".png", Map.of()).values()) {
        float[] map = Npy.read(out.resolve(e.get("dir").asText()).resolve(e.get("files").get("map").asText())).data();
        BufferedImage overlay = Overlay.blend(s.image(), map, s.size(), s.size(), ColorMap.JET, 0.55f);
        row.add(new PanelGrid.Panel(overlay, e.get("method").asText() + " · " + e.get("label").asText()));
      }
      rows.add(row);
    }
    Path file = out.resolve("overview.png");
    Png.write(file, PanelGrid.render(rows, null, 128));
    return file;
  }

  /** The picture with its ground-truth box drawn in white. */
  private static BufferedImage withBox(ShapeSample s) {
    BufferedImage im = s.image();
    java.awt.Graphics2D g = im.createGraphics();
    g.setColor(java.awt.Color.WHITE);
    g.drawRect(s.box().x0(), s.box().y0(), s.box().width() - 1, s.box().height() - 1);
    g.dispose();
    return im;
  }

  private static Path writeSummary(Path out, List<ShapeSample> samples, boolean inverted) throws IOException {
    StringBuilder md = new StringBuilder("# Lanterne demo\n\n");
    md.append("Generated by `./lanterne demo`: one generated picture of each shape (seeded), the bundled demo model ")
        .append("(`onnx/demo/shapes.onnx`), every explanation method, and scores against the true object boxes.\n\n");
    md.append("![overview](overview.png)\n\n");
    md.append("Rows: ").append(String.join(", ", samples.stream().map(s -> s.kind().label()).toList()))
        .append(". The first column shows the true object box.\n\n");
    Path csv = out.resolve("evaluate").resolve("evaluation.csv");
    if (Files.isRegularFile(csv)) {
      md.append("## Scores (mean over the pictures)\n\n");
      md.append("Deletion AUC: lower is better; insertion AUC: higher is better; pointing: the map's maximum ")
          .append("lies in the true box (no tolerance).\n\n");
      md.append(meanTable(Files.readAllLines(csv, StandardCharsets.UTF_8)));
      md.append("\nPer picture: [evaluate/evaluation.csv](evaluate/evaluation.csv); curves in `evaluate/curves/`.\n\n");
    }
    if (inverted) {
      md.append("## What the model imagines each shape to be\n\n")
          .append("Class-model inversion from noise, 150 steps with a blur every 4 steps ")
          .append("(`lanterne invert`):\n\n![inversion](invert/invert-grid.png)\n\n");
    }
    md.append("## Files\n\n- `gradients/grid.png`, `rise/grid.png`, `occlusion/grid.png`: overlays with titles\n")
        .append("- `*/explanations.json`: one entry per map (method, class, label, score, files)\n")
        .append("- `rise/masks.png`: the first RISE masks\n");
    if (inverted) {
      md.append("- `invert/`: class-model inversion of each shape\n");
    }
    Path file = out.resolve("README.md");
    AtomicFiles.write(file, md.toString().getBytes(StandardCharsets.UTF_8));
    return file;
  }

  /** Per method: mean deletion AUC, insertion AUC, pointing hits, time, from evaluation.csv. */
  static String meanTable(List<String> lines) {
    String[] head = lines.get(0).split(",");
    int method = indexOf(head, "method");
    int del = indexOf(head, "deletion_auc");
    int ins = indexOf(head, "insertion_auc");
    int hit = indexOf(head, "pointing_hit");
    int ms = indexOf(head, "time_ms");
    Map<String, double[]> sums = new LinkedHashMap<>();
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split(",");
      if (f.length <= Math.max(Math.max(del, ins), Math.max(hit, ms))) {
        continue;
      }
      double[] s = sums.computeIfAbsent(f[method], k -> new double[5]);
      s[0] += Double.parseDouble(f[del]);
      s[1] += Double.parseDouble(f[ins]);
      s[2] += f[hit].equalsIgnoreCase("true") || f[hit].equals("1") ? 1 : 0;
      s[3] += Double.parseDouble(f[ms]);
      s[4] += 1;
    }
    StringBuilder t = new StringBuilder("| method | deletion AUC | insertion AUC | pointing hits | ms per map |\n")
        .append("|---|---|---|---|---|\n");
    for (Map.Entry<String, double[]> e : sums.entrySet()) {
      double[] s = e.getValue();
      t.append(String.format("| %s | %.3f | %.3f | %d/%d | %.0f |%n", e.getKey(), s[0] / s[4], s[1] / s[4],
          (int) s[2], (int) s[4], s[3] / s[4]));
    }
    return t.toString();
  }

  private static int indexOf(String[] head, String name) {
    for (int i = 0; i < head.length; i++) {
      if (head[i].strip().equals(name)) {
        return i;
      }
    }
    throw new IllegalStateException("evaluation.csv has no column " + name);
  }

  private static void writeJson(Path file, JsonNode node) throws IOException {
    AtomicFiles.write(file, new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(node));
  }
}
