package dev.lanterne.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lanterne.explain.perturbation.BlackBox;
import dev.lanterne.image.Normalization;
import dev.lanterne.explain.perturbation.Occlusion;
import dev.lanterne.explain.perturbation.OcclusionOptions;
import dev.lanterne.explain.perturbation.Rise;
import dev.lanterne.explain.perturbation.RiseOptions;
import dev.lanterne.explain.perturbation.ScoreKind;
import dev.lanterne.image.Normalization;
import dev.lanterne.model.Labels;
import dev.lanterne.runtime.Classifier;
import dev.lanterne.runtime.RuntimeOptions;
import dev.lanterne.tensor.Npy;
import dev.lanterne.tensor.Tensor;
import dev.lanterne.testing.TinyModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.apache.commons.cli.DefaultParser;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rise and occlusion commands on a tiny linear model given as a --tensor: their maps equal the
 * library's on the same pixels (so the command undoes the card's normalisation correctly).
 */
class RiseCommandTest {
  private static final int S = 12;
  private static final float[] MEAN = {0.4f, 0.5f, 0.6f};
  private static final float[] STD = {0.2f, 0.3f, 0.25f};
  @TempDir
  static Path dir;
  private static float[] pixels;
  private static Path model;
  private static Path card;
  private static Path tensor;

  @BeforeAll
  static void files() throws Exception {
    SplittableRandom r = new SplittableRandom(3);
    float[] w = new float[2 * 3 * S * S];
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) r.nextDouble(-1, 1);
    }
    model = dir.resolve("linear.onnx");
    Files.write(model, TinyModels.linear(S, S, 2, w, new float[] {0.1f, -0.1f}).toByteArray());
    card = dir.resolve("linear.card.json");
    Files.writeString(card, "{\"name\":\"linear\",\"inputSize\":[12,12],\"resize\":\"crop-then-resize\","
        + "\"cropFraction\":1.0,\"mean\":[0.4,0.5,0.6],\"std\":[0.2,0.3,0.25],\"output\":\"logits\"}");
    pixels = new float[3 * S * S];
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = (float) r.nextDouble();
    }
    tensor = dir.resolve("x.npy");
    Npy.write(tensor, new Tensor(new Normalization(MEAN, STD).apply(pixels), new int[] {3, S, S}));
  }

  @Test
  void riseWritesTheLibrarysMapsMasksAndJson() throws Exception {
    Path out = dir.resolve("rise");
    run(new RiseCommand(), "--model", model.toString(), "--card", card.toString(), "--tensor", tensor.toString(),
        "--class", "0,1", "--masks", "64", "--grid", "3", "--score", "logit", "--fill", "mean", "--seed", "5",
        "--batch", "8", "--save-masks", "6", "--out", out.toString());
    JsonNode json = new ObjectMapper().readTree(out.resolve("explanations.json").toFile());
    assertEquals(2, json.size());
    assertEquals(64, json.get(0).get("details").get("masks").asInt());
    try (Classifier c = Classifier.open(model, RuntimeOptions.DEFAULT)) {
      BlackBox box = new BlackBox(c, new Normalization(MEAN, STD), Labels.none(), false);
      RiseOptions o = RiseOptions.DEFAULTS.withMasks(64).withGrid(3).withScore(ScoreKind.LOGIT)
          .withFill(dev.lanterne.explain.perturbation.Fill.MEAN).withSeed(5).withBatch(8);
      float[] expected = new Rise(o).explain(box, pixels, new int[] {1}).get(0).map().data();
      Tensor got = Npy.read(out.resolve(json.get(1).get("files").get("map").asText()));
      assertArrayEquals(new int[] {S, S}, got.shape());
      assertArrayEquals(expected, got.data(), 1e-4f);
    }
    // the overlay is a titled figure, the map drawn at least 224 pixels wide with a colour bar
    assertTrue(ImageIO.read(out.resolve(json.get(0).get("files").get("overlay").asText()).toFile()).getWidth() >= 224);
    java.awt.image.BufferedImage sheet = ImageIO.read(out.resolve("masks.png").toFile());
    assertEquals(6 * (S + 2) - 2, sheet.getWidth(), "6 tiles in one row of at most 8");
    assertEquals(S, sheet.getHeight());
  }

  /** Lists sweep every combination: one map and one CSV row per setting, each the library's map. */
  @Test
  void riseSweepsListsIntoOneFigureAndACsv() throws Exception {
    Path out = dir.resolve("sweep");
    run(new RiseCommand(), "--model", model.toString(), "--card", card.toString(), "--tensor", tensor.toString(),
        "--class", "1", "--masks", "40,80", "--grid", "3,4", "--mask-type", "binary,grid", "--seed", "5",
        "--batch", "8", "--out", out.toString());
    java.util.List<String> csv = Files.readAllLines(out.resolve("sweep.csv"));
    assertEquals(1 + 2 * 2 * 2, csv.size(), "header and 8 settings");
    assertTrue(csv.get(0).startsWith("image,class,label,masks,masksUsed,grid,maskType,fill,seconds,deletionAuc,"
        + "insertionAuc"), csv.get(0));
    assertTrue(csv.get(1).contains(",40,40,3,binary,black,"), csv.get(1));
    assertTrue(csv.get(8).contains(",80,80,4,grid,black,"), csv.get(8));
    for (String row : csv.subList(1, csv.size())) {
      String[] f = row.split(",");
      double del = Double.parseDouble(f[9]);
      double ins = Double.parseDouble(f[10]);
      assertTrue(del >= 0 && del <= 1 && ins >= 0 && ins <= 1, row);
    }
    JsonNode json = new ObjectMapper().readTree(out.resolve("explanations.json").toFile());
    assertEquals(8, json.size());
    assertEquals("rise N=80 s=4 grid black", json.get(7).get("method").asText());
    try (Classifier c = Classifier.open(model, RuntimeOptions.DEFAULT)) {
      BlackBox box = new BlackBox(c, new Normalization(MEAN, STD), Labels.none(), false);
      RiseOptions o = RiseOptions.DEFAULTS.withMasks(80).withGrid(4).withSeed(5).withBatch(8)
          .withMaskType(dev.lanterne.explain.perturbation.MaskType.GRID);
      float[] expected = new Rise(o).explain(box, pixels, new int[] {1}).get(0).map().data();
      Tensor got = Npy.read(out.resolve(json.get(7).get("files").get("map").asText()));
      assertArrayEquals(expected, got.data(), 1e-4f);
    }
    assertTrue(Files.isRegularFile(out.resolve("grid.png")));
  }

  @Test
  void occlusionWritesTheLibrarysMap() throws Exception {
    Path out = dir.resolve("occ");
    run(new OcclusionCommand(), "--model", model.toString(), "--card", card.toString(), "--tensor",
        tensor.toString(), "--class", "1", "--window", "4", "--stride", "3", "--out", out.toString());
    JsonNode json = new ObjectMapper().readTree(out.resolve("explanations.json").toFile());
    assertEquals(1, json.size());
    try (Classifier c = Classifier.open(model, RuntimeOptions.DEFAULT)) {
      BlackBox box = new BlackBox(c, new Normalization(MEAN, STD), Labels.none(), false);
      float[] expected = new Occlusion(OcclusionOptions.DEFAULTS.withWindow(4, 3)).explain(box, pixels,
          new int[] {1}).get(0).map().data();
      float[] got = Npy.read(out.resolve(json.get(0).get("files").get("map").asText())).data();
      assertArrayEquals(expected, got, 1e-5f);
      // starts 0, 3, 6 and 8 (flush with the edge) on each axis
      assertEquals(16, json.get(0).get("details").get("windows").asInt());
    }
  }

  private static void run(Command cmd, String... args) throws Exception {
    assertEquals(0, cmd.run(new DefaultParser().parse(cmd.options(), args)));
  }
}
