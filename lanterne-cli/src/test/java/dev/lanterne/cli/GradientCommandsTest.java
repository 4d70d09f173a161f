package dev.lanterne.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lanterne.LanterneException;
import dev.lanterne.tensor.Npy;
import dev.lanterne.tensor.Tensor;
import dev.lanterne.testing.SharedData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.commons.cli.DefaultParser;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The saliency, gradcam and explain commands on the pretrained MobileNetV2: files, JSON, errors. */
class GradientCommandsTest {
  @TempDir
  Path tmp;

  /** Compiled graphs go to the test's folder, not the user's cache. */
  @BeforeEach
  void privateCache() {
    System.setProperty("lanterne.cache", tmp.resolve("cache").toString());
  }

  @AfterEach
  void restoreCache() {
    System.clearProperty("lanterne.cache");
  }

  private static int run(Command c, String... args) throws Exception {
    return c.run(new DefaultParser().parse(c.options(), args));
  }

  private static List<String> common(Path out, String... more) {
    List<String> a = new ArrayList<>(List.of("--model", SharedData.model("mobilenetv2-1.0-224-qdq.onnx").toString(),
        "--image", SharedData.image("coffee.png").toString(), "--out", out.toString()));
    a.addAll(List.of(more));
    return a;
  }

  @Test
  void explainWritesOneMapPerMethodAndClass() throws Exception {
    Path out = tmp.resolve("explain");
    List<String> args = common(out, "--methods", "saliency,smoothgrad,integrated,gradcam,gradcam++,guided-gradcam",
        "--samples", "3", "--steps", "3", "--class", "967,top1,504", "--raw");
    assertEquals(0, run(new ExplainCommand(), args.toArray(String[]::new)));
    JsonNode json = new ObjectMapper().readTree(out.resolve("explanations.json").toFile());
    // top1 of coffee.png is 967 (espresso), so the classes are {967, 504}
    assertEquals(6 * 2, json.size());
    Set<String> methods = new HashSet<>();
    for (JsonNode e : json) {
      methods.add(e.get("method").asText());
      assertTrue(Set.of(967, 504).contains(e.get("class").asInt()));
      Tensor map = Npy.read(out.resolve(e.get("files").get("map").asText()));
      assertEquals(List.of(224, 224), List.of(map.shape()[0], map.shape()[1]));
      assertTrue(Files.isRegularFile(out.resolve(e.get("files").get("overlay").asText())));
      if (!e.get("method").asText().startsWith("gradcam")) { // CAMs carry no [3,H,W] attribution
        assertEquals(3, Npy.read(out.resolve(e.get("files").get("raw").asText())).shape()[0]);
      }
    }
    assertEquals(Set.of("saliency", "smoothgrad", "integrated-gradients", "gradcam", "gradcam++", "guided-gradcam"),
        methods);
    assertTrue(Files.isRegularFile(out.resolve("grid.png")));
  }

  @Test
  void finiteDifferenceGradientIsSelectable() throws Exception {
    Path out = tmp.resolve("fd");
    assertEquals(0, run(new SaliencyCommand(), common(out, "--gradient", "finite-difference", "--class", "967")
        .toArray(String[]::new)));
    JsonNode json = new ObjectMapper().readTree(out.resolve("explanations.json").toFile());
    assertEquals(1, json.size());
    float[] map = Npy.read(out.resolve(json.get(0).get("files").get("map").asText())).data();
    float max = 0;
    for (float v : map) {
      max = Math.max(max, v);
    }
    assertTrue(max > 0, "the finite-difference gradient is not all zero");
    LanterneException e = assertThrows(LanterneException.class, () -> run(new ExplainCommand(),
        common(tmp.resolve("g"), "--methods", "guided-gradcam", "--gradient", "finite-difference").toArray(String[]::new)));
    assertEquals(LanterneException.USAGE, e.exitCode());
  }

  @Test
  void badFlagsAreUsageErrors() {
    LanterneException e = assertThrows(LanterneException.class, () -> run(new SaliencyCommand(),
        common(tmp.resolve("x"), "--method", "nope").toArray(String[]::new)));
    assertEquals(LanterneException.USAGE, e.exitCode());
    e = assertThrows(LanterneException.class, () -> run(new ExplainCommand(),
        common(tmp.resolve("y"), "--methods", "saliency,bogus").toArray(String[]::new)));
    assertEquals(LanterneException.USAGE, e.exitCode());
    e = assertThrows(LanterneException.class, () -> run(new SaliencyCommand(),
        common(tmp.resolve("z"), "--method", "integrated", "--baseline", "grey").toArray(String[]::new)));
    assertEquals(LanterneException.USAGE, e.exitCode());
  }
}
