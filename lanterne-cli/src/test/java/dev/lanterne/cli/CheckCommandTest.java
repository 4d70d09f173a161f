package dev.lanterne.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanterne.tensor.Npy;
import dev.lanterne.testing.SharedData;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.apache.commons.cli.DefaultParser;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `lanterne check` passes on the compiled gradients of real models, by finite differences. */
class CheckCommandTest {
  @TempDir
  Path dir;

  /** Compiled graphs go to a temporary cache, not the user's. */
  @BeforeEach
  void cacheInTempDir() {
    System.setProperty("lanterne.cache", dir.resolve("cache").toString());
  }

  @AfterEach
  void restoreCache() {
    System.clearProperty("lanterne.cache");
  }

  /** Runs the command and returns its exit code and standard output. */
  static Object[] check(String... args) throws Exception {
    CheckCommand cmd = new CheckCommand();
    PrintStream old = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      int code = cmd.run(new DefaultParser().parse(cmd.options(), args));
      return new Object[] {code, out.toString(StandardCharsets.UTF_8)};
    } finally {
      System.setOut(old);
    }
  }

  @Test
  void passesOnMobileNetV3() throws Exception {
    Path x = dir.resolve("x.npy");
    Npy.write(x, Npy.read(SharedData.ref("pre_astronaut.npy")));
    Object[] r = check("--model", SharedData.torchvision("mobilenet_v3_small").toString(), "--tensor", x.toString(),
        "--batch", "16", "--operators");
    System.out.print(r[1]);
    assertEquals(0, r[0], (String) r[1]);
    assertTrue(((String) r[1]).contains("directional derivatives") && ((String) r[1]).contains("pixel grid")
        && ((String) r[1]).contains("path integral"), (String) r[1]);
    assertTrue(((String) r[1]).contains("operator rules: 141 nodes checked one at a time")
        && ((String) r[1]).contains(", 0 disagree"), (String) r[1]);
  }

  /** A failed check looks for the rule responsible by itself, and says when no single rule is. */
  @Test
  void aFailedCheckChecksEachRule() throws Exception {
    Object[] r = check("--model", SharedData.torchvision("squeezenet1_1").toString(), "--image",
        SharedData.image("coffee.png").toString(), "--path-tolerance", "1e-9", "--directions", "2", "--grid", "1",
        "--path-points", "3");
    System.out.print(r[1]);
    assertEquals(1, r[0], (String) r[1]);
    assertTrue(((String) r[1]).contains("each node's rule on its own, at coffee.png")
        && ((String) r[1]).contains(", 0 disagree")
        && ((String) r[1]).contains("the disagreement is not one operator's rule"), (String) r[1]);
  }

  @Test
  void passesOnTheQdqMobileNetV2AgainstItsStraightThroughReference() throws Exception {
    Object[] r = check("--model", SharedData.model("mobilenetv2-1.0-224-qdq.onnx").toString(), "--image",
        SharedData.image("coffee.png").toString(), "--batch", "16", "--operators");
    System.out.print(r[1]);
    assertEquals(0, r[0], (String) r[1]);
    assertTrue(((String) r[1]).contains("class 967"), (String) r[1]);
    assertTrue(((String) r[1]).contains("Clip on a quantized activation's grid=35"), (String) r[1]);
    assertTrue(((String) r[1]).contains("straight-through reference"), "says what it checks: " + r[1]);
  }
}
