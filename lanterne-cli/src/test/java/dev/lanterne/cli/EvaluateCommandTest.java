package dev.lanterne.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lanterne.LanterneException;
import dev.lanterne.metrics.TinyLinearModel;
import dev.lanterne.tensor.Npy;
import dev.lanterne.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.apache.commons.cli.DefaultParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `lanterne evaluate` end to end on a tiny model whose class 0 reads only the square [4,8) x [4,8). */
class EvaluateCommandTest {
  private static final int SIZE = 16;
  private static final int PLANE = SIZE * SIZE;

  @TempDir
  Path dir;

  private int evaluate(String... args) throws Exception {
    EvaluateCommand cmd = new EvaluateCommand();
    return cmd.run(new DefaultParser().parse(cmd.options(), args));
  }

  private String[] setUp() throws Exception {
    TinyLinearModel tiny = new TinyLinearModel(SIZE, TinyLinearModel.rectangle(SIZE, 4, 4, 8, 8), 0.5f, 2f);
    Path model = dir.resolve("tiny.onnx");
    Files.write(model, tiny.proto().toByteArray());
    Path card = dir.resolve("tiny.json");
    Files.writeString(card, "{\"name\": \"tiny\", \"inputSize\": [16, 16], \"resizeShorter\": 16,"
        + " \"mean\": [0.5, 0.5, 0.5], \"std\": [0.25, 0.25, 0.25], \"output\": \"logits\"}");
    SplittableRandom rnd = new SplittableRandom(5);
    float[] x = new float[2 * 3 * PLANE];
    for (int i = 0; i < x.length; i++) {
      int p = i % PLANE;
      boolean inside = p % SIZE >= 4 && p % SIZE < 8 && p / SIZE >= 4 && p / SIZE < 8;
      x[i] = (float) ((inside ? rnd.nextDouble(0.8, 1) : rnd.nextDouble(0, 0.6)) - 0.5) / 0.25f;
    }
    Path tensors = dir.resolve("x.npy");
    Npy.write(tensors, new Tensor(x, new int[] {2, 3, SIZE, SIZE}));
    Path boxes = dir.resolve("boxes.json");
    Files.writeString(boxes, "[{\"image\": \"x.npy[0]\", \"class\": 0, \"boxes\": [[4, 4, 8, 8]]},"
        + " {\"image\": \"x.npy[1]\", \"class\": 0, \"boxes\": [[12, 12, 16, 16]]}]");
    return new String[] {"--model", model.toString(), "--card", card.toString(), "--tensor", tensors.toString(),
        "--class", "0", "--step", "4", "--boxes", boxes.toString(), "--tolerance", "0", "--window", "4",
        "--stride", "2", "--out", dir.resolve("out").toString()};
  }

  @Test
  void writesJsonCsvAndCurvesWhereTheModelsMethodWins() throws Exception {
    String[] base = setUp();
    String[] args = new String[base.length + 4];
    System.arraycopy(base, 0, args, 0, base.length);
    args[base.length] = "--methods";
    args[base.length + 1] = "random,occlusion,edges";
    args[base.length + 2] = "--sanity";
    args[base.length + 3] = "all";
    assertEquals(0, evaluate(args));
    Path out = dir.resolve("out");

    List<String> csv = Files.readAllLines(out.resolve("evaluation.csv"));
    assertEquals(1 + 2 * 3, csv.size());
    assertTrue(csv.get(0).startsWith("image,method,class,label,deletion_auc,insertion_auc,time_ms"), csv.get(0));

    JsonNode json = new ObjectMapper().readTree(out.resolve("evaluation.json").toFile());
    Map<String, JsonNode> byKey = new HashMap<>();
    for (JsonNode r : json.get("rows")) {
      byKey.put(r.get("method").asText() + "/" + r.get("image").asText(), r);
      assertEquals(PLANE / 4 + 1, r.get("deletion").get("scores").size());
      assertTrue(Files.isRegularFile(out.resolve(r.get("curves").asText())), r.get("curves").asText());
      assertEquals(0, r.get("class").asInt());
    }
    assertEquals(6, byKey.size());
    for (String img : List.of("x.npy[0]", "x.npy[1]")) {
      JsonNode occ = byKey.get("occlusion/" + img);
      JsonNode rnd = byKey.get("random/" + img);
      assertTrue(occ.get("deletionAuc").asDouble() + 0.2 < rnd.get("deletionAuc").asDouble(), img);
      assertTrue(occ.get("insertionAuc").asDouble() > rnd.get("insertionAuc").asDouble() + 0.1, img);
      // the model's method loses its map when the weights go; the edge detector does not
      JsonNode occSanity = occ.get("sanity");
      assertEquals(2, occSanity.size());
      assertEquals("fc", occSanity.get(0).get("layer").asText());
      assertTrue(occSanity.get(1).get("spearman").asDouble() < 0.5, occSanity.toString());
      for (JsonNode s : byKey.get("edges/" + img).get("sanity")) {
        assertEquals(1.0, s.get("spearman").asDouble(), 1e-12);
      }
    }
    // occlusion's maximum lies in the square the model reads: a hit on image 0, a miss on image 1
    assertTrue(byKey.get("occlusion/x.npy[0]").get("pointing").get("hit").asBoolean());
    assertTrue(!byKey.get("occlusion/x.npy[1]").get("pointing").get("hit").asBoolean());
    JsonNode summary = json.get("summary");
    assertEquals(3, summary.size());
    assertEquals("random", summary.get(0).get("method").asText());
    assertEquals(1, summary.get(1).get("pointingHits").asInt());
    assertEquals(2, summary.get(1).get("pointingTotal").asInt());
    assertEquals(4, json.get("settings").get("pixelsPerStep").asInt());
    assertEquals(560, ImageIO.read(out.resolve(byKey.get("random/x.npy[0]").get("curves").asText()).toFile())
        .getWidth());
  }

  @Test
  void saliencyOfTheLinearModelIsItsWeightsAndFailsNoSanityCheck() throws Exception {
    System.setProperty("lanterne.cache", dir.resolve("cache").toString());
    try {
      String[] base = setUp();
      String[] args = new String[base.length + 4];
      System.arraycopy(base, 0, args, 0, base.length);
      args[base.length] = "--methods";
      args[base.length + 1] = "saliency,random";
      args[base.length + 2] = "--sanity";
      args[base.length + 3] = "1";
      assertEquals(0, evaluate(args));
    } finally {
      System.clearProperty("lanterne.cache");
    }
    JsonNode json = new ObjectMapper().readTree(dir.resolve("out/evaluation.json").toFile());
    Map<String, JsonNode> byKey = new HashMap<>();
    for (JsonNode r : json.get("rows")) {
      byKey.put(r.get("method").asText() + "/" + r.get("image").asText(), r);
    }
    for (String img : List.of("x.npy[0]", "x.npy[1]")) {
      JsonNode sal = byKey.get("saliency/" + img);
      // |d logit0 / dx| is 0.5 on the square and 0 elsewhere: deletion empties the square first
      assertTrue(sal.get("deletionAuc").asDouble() + 0.2 < byKey.get("random/" + img).get("deletionAuc").asDouble());
      assertEquals(1, sal.get("sanity").size());
      assertTrue(sal.get("sanity").get(0).get("spearman").asDouble() < 0.5, sal.get("sanity").toString());
    }
    assertTrue(Files.isDirectory(dir.resolve("cache")), "the original model's graphs are cached");
  }

  /**
   * Maps that already exist are scored as given: the square the model reads beats its complement
   * (hand-made maps), and a map written by occlusion scores exactly as occlusion run by evaluate.
   */
  @Test
  void existingMapsAreScoredWithoutRecomputing() throws Exception {
    String[] base = setUp();
    float[] square = new float[2 * PLANE];
    float[] outside = new float[2 * PLANE];
    for (int n = 0; n < 2; n++) {
      for (int p = 0; p < PLANE; p++) {
        boolean inside = p % SIZE >= 4 && p % SIZE < 8 && p / SIZE >= 4 && p / SIZE < 8;
        square[n * PLANE + p] = inside ? 1f + p * 1e-4f : p * 1e-6f;
        outside[n * PLANE + p] = inside ? 0f : 1f + p * 1e-6f;
      }
    }
    Path good = dir.resolve("square.npy");
    Path bad = dir.resolve("outside.npy");
    Npy.write(good, new Tensor(square, new int[] {2, SIZE, SIZE}));
    Npy.write(bad, new Tensor(outside, new int[] {2, SIZE, SIZE}));
    String[] args = new String[base.length + 5];
    System.arraycopy(base, 0, args, 0, base.length);
    args[base.length] = "--map";
    args[base.length + 1] = good.toString();
    args[base.length + 2] = bad.toString();
    args[base.length + 3] = "--methods";
    args[base.length + 4] = "occlusion";
    assertEquals(0, evaluate(args));
    JsonNode json = new ObjectMapper().readTree(dir.resolve("out/evaluation.json").toFile());
    Map<String, JsonNode> byKey = new HashMap<>();
    for (JsonNode r : json.get("rows")) {
      byKey.put(r.get("method").asText() + "/" + r.get("image").asText(), r);
    }
    assertEquals(6, byKey.size());
    for (String img : List.of("x.npy[0]", "x.npy[1]")) {
      assertTrue(byKey.get("square/" + img).get("deletionAuc").asDouble() + 0.2
          < byKey.get("outside/" + img).get("deletionAuc").asDouble(), img);
    }
    assertTrue(byKey.get("square/x.npy[0]").get("pointing").get("hit").asBoolean());

    // a map from a previous run, read back: the same AUC as the method itself
    Path occOut = dir.resolve("occ");
    OcclusionCommand occ = new OcclusionCommand();
    String[] occArgs = {"--model", base[1], "--card", base[3], "--tensor", base[5], "--class", "0", "--window", "4",
        "--stride", "2", "--out", occOut.toString()};
    occ.run(new DefaultParser().parse(occ.options(), occArgs));
    JsonNode occJson = new ObjectMapper().readTree(occOut.resolve("explanations.json").toFile());
    float[] stacked = new float[2 * PLANE];
    for (int n = 0; n < 2; n++) {
      float[] m = Npy.read(occOut.resolve(occJson.get(n).get("files").get("map").asText())).data();
      System.arraycopy(m, 0, stacked, n * PLANE, PLANE);
    }
    Path fromRun = dir.resolve("occlusion-maps.npy");
    Npy.write(fromRun, new Tensor(stacked, new int[] {2, SIZE, SIZE}));
    String[] again = base.clone();
    again[again.length - 1] = dir.resolve("out2").toString();
    String[] args2 = new String[again.length + 2];
    System.arraycopy(again, 0, args2, 0, again.length);
    args2[again.length] = "--map";
    args2[again.length + 1] = fromRun.toString();
    assertEquals(0, evaluate(args2));
    JsonNode json2 = new ObjectMapper().readTree(dir.resolve("out2/evaluation.json").toFile());
    for (JsonNode r : json2.get("rows")) {
      JsonNode ref = byKey.get("occlusion/" + r.get("image").asText());
      assertEquals(ref.get("deletionAuc").asDouble(), r.get("deletionAuc").asDouble(), 1e-3);
      assertEquals(ref.get("insertionAuc").asDouble(), r.get("insertionAuc").asDouble(), 1e-3);
    }
    // a map of the wrong size is refused before any work
    Path wrong = dir.resolve("wrong.npy");
    Npy.write(wrong, new Tensor(new float[9], new int[] {3, 3}));
    String[] args3 = base.clone();
    String[] bad3 = new String[args3.length + 2];
    System.arraycopy(args3, 0, bad3, 0, args3.length);
    bad3[args3.length] = "--map";
    bad3[args3.length + 1] = wrong.toString();
    LanterneException e = assertThrows(LanterneException.class, () -> evaluate(bad3));
    assertEquals(LanterneException.USAGE, e.exitCode());
  }

  @Test
  void unknownMethodIsAUsageError() throws Exception {
    String[] base = setUp();
    String[] args = new String[base.length + 2];
    System.arraycopy(base, 0, args, 0, base.length);
    args[base.length] = "--methods";
    args[base.length + 1] = "random,telepathy";
    LanterneException e = assertThrows(LanterneException.class, () -> evaluate(args));
    assertEquals(LanterneException.USAGE, e.exitCode());
    assertTrue(e.getMessage().contains("telepathy") && e.getMessage().contains("occlusion"), e.getMessage());
  }
}
