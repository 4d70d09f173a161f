package dev.lanterne.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanterne.onnx.proto.Onnx;
import dev.lanterne.tensor.Npy;
import dev.lanterne.tensor.Tensor;
import dev.lanterne.testing.TinyModels;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13: the command lines of the adversarial review, each a one-line error with the right exit
 * code (2 usage, 1 failure), no Java exception names, and nothing computed before the refusal.
 */
class HardeningCliTest {
  @TempDir Path dir;
  Path model;
  Path image;

  @BeforeEach
  void setUp() throws IOException {
    float[] w = new float[2 * 3 * 8 * 8];
    for (int i = 0; i < w.length; i++) {
      w[i] = (i % 7) * 0.01f - 0.03f;
    }
    model = dir.resolve("tiny.onnx");
    Files.write(model, TinyModels.linear(8, 8, 2, w, new float[] {0.1f, -0.1f}).toByteArray());
    image = dir.resolve("img.png");
    BufferedImage im = new BufferedImage(20, 16, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 16; y++) {
      for (int x = 0; x < 20; x++) {
        im.setRGB(x, y, (x * 12) << 16 | (y * 15) << 8 | 128);
      }
    }
    ImageIO.write(im, "png", image.toFile());
  }

  static CliErrorsTest.Outcome run(String... args) {
    return CliErrorsTest.run(args);
  }

  static void assertError(CliErrorsTest.Outcome o, int code, String... fragments) {
    assertEquals(code, o.code(), "exit code; stderr was: " + o.err());
    String err = o.err().strip();
    assertEquals(1, err.lines().filter(l -> !l.startsWith("lanterne: warning")).count(), "one line: " + err);
    assertFalse(err.contains("\tat "), err);
    assertFalse(err.contains("internal error"), err);
    assertFalse(err.matches("(?s).*[A-Z][a-z]+(Exception|Error)\\b.*"), "no Java exception names: " + err);
    for (String f : fragments) {
      assertTrue(err.toLowerCase().contains(f.toLowerCase()), "mentions '" + f + "': " + err);
    }
  }

  /** (2) lanterne rise --out "" ... */
  @Test
  void emptyOutIsRefused() {
    assertError(run("rise", "--model", model.toString(), "--image", image.toString(), "--out", ""), 2, "--out");
    assertError(run("saliency", "--model", model.toString(), "--image", image.toString(), "--out", " "), 2,
        "--out");
  }

  /** (13) lanterne classify --image img.png --bogus, and after --class. */
  @Test
  void unknownOptionsAreUsageErrorsWhereverTheyStand() {
    assertError(run("classify", "--model", model.toString(), "--image", image.toString(), "--bogus"), 2,
        "unknown option --bogus");
    assertError(run("saliency", "--model", model.toString(), "--class", "1", "--bogus", "--image",
        image.toString(), "--out", dir.resolve("o").toString()), 2, "unknown option --bogus");
    assertError(run("saliency", "--model", model.toString(), "--bogus", "--image", image.toString(), "--out",
        dir.resolve("o").toString()), 2, "unknown option --bogus");
    assertFalse(Files.exists(dir.resolve("o")));
    // a negative number is a value, not an option
    assertError(run("saliency", "--model", model.toString(), "--class", "-1", "--image", image.toString(),
        "--out", dir.resolve("o").toString()), 2, "class -1");
  }

  /** (15) lanterne rise --masks 200 --masks 300 ... */
  @Test
  void aSingleValuedOptionGivenTwiceIsRefused() {
    assertError(run("rise", "--model", model.toString(), "--image", image.toString(), "--masks", "200",
        "--masks", "300", "--out", dir.resolve("o").toString()), 2, "--masks", "more than once");
    assertError(run("classify", "--model", model.toString(), "--model", model.toString(), "--image",
        image.toString()), 2, "--model", "more than once");
    // options that take several values may be repeated: --image a --image b
    assertEquals(0, run("classify", "--model", model.toString(), "--image", image.toString(), "--image",
        image.toString()).code());
  }

  /** (4) lanterne classify --threads 1000 hung a 2-core machine: it is capped at the cores, with a warning. */
  @Test
  void threadsAreCappedAtTheCores() throws IOException {
    long t0 = System.nanoTime();
    CliErrorsTest.Outcome o = run("classify", "--model", model.toString(), "--image", image.toString(), "--threads",
        "1000");
    assertEquals(0, o.code(), o.err());
    assertTrue(o.err().contains("lanterne: warning: --threads 1000 is more than the"), o.err());
    assertTrue((System.nanoTime() - t0) / 1e9 < 30, "no hang");
    assertError(run("classify", "--model", model.toString(), "--image", image.toString(), "--threads", "-1"), 2,
        "--threads");
    // the launcher sizes the heap from the machine unless JAVA_OPTS decides
    String launcher = Files.readString(Path.of("lanterne"));
    assertFalse(launcher.contains("-Xmx8g}"), "no fixed -Xmx8g in the launcher");
    assertTrue(launcher.contains("${JAVA_OPTS:-"), "JAVA_OPTS decides when set");
  }

  /** Runs with -Dlanterne.cache set to the given folder. */
  static CliErrorsTest.Outcome withCache(Path cache, String... args) {
    String old = System.getProperty("lanterne.cache");
    System.setProperty("lanterne.cache", cache.toString());
    try {
      return run(args);
    } finally {
      if (old == null) {
        System.clearProperty("lanterne.cache");
      } else {
        System.setProperty("lanterne.cache", old);
      }
    }
  }

  /** (8) an unparsable extracted demo model is extracted again. */
  @Test
  void aDamagedDemoModelIsExtractedAgain() throws IOException {
    Path cache = dir.resolve("cache");
    assertEquals(0, withCache(cache, "classify", "--image", image.toString()).code());
    Path extracted;
    try (var s = Files.walk(cache.resolve("demo"))) {
      extracted = s.filter(p -> p.toString().endsWith(".onnx")).findFirst().orElseThrow();
    }
    byte[] good = Files.readAllBytes(extracted);
    Files.write(extracted, new byte[] {1, 2, 3});
    CliErrorsTest.Outcome o = withCache(cache, "classify", "--image", image.toString());
    assertEquals(0, o.code(), o.err());
    assertTrue(java.util.Arrays.equals(good, Files.readAllBytes(extracted)));
  }

  /** (9) LANTERNE_CACHE unwritable: saliency still works, with one warning naming the cache and how to move it. */
  @Test
  void anUnwritableCacheIsAWarning() throws IOException {
    Files.writeString(dir.resolve("blocked"), "not a folder");
    CliErrorsTest.Outcome o = withCache(dir.resolve("blocked"), "saliency", "--image", image.toString(), "--out",
        dir.resolve("o").toString());
    assertEquals(0, o.code(), o.err());
    assertTrue(o.err().contains("lanterne: warning:") && o.err().contains("LANTERNE_CACHE"), o.err());
    assertFalse(o.err().contains("--out"), o.err());
  }

  private Path modelFile(String name, Onnx.GraphProto.Builder g) throws IOException {
    Path f = dir.resolve(name);
    Files.write(f, TinyModels.model(13, g).toByteArray());
    return f;
  }

  /** (10) a NaN in a --tensor, and NaN scores from the model (naming the image). */
  @Test
  void nonFiniteInputsAndScoresAreRefused() throws IOException {
    float[] x = new float[3 * 8 * 8];
    x[5] = Float.NaN;
    Path nan = dir.resolve("nan.npy");
    Npy.write(nan, new Tensor(x, new int[] {1, 3, 8, 8}));
    assertError(run("saliency", "--model", model.toString(), "--tensor", nan.toString(), "--out",
        dir.resolve("o").toString()), 2, "nan.npy", "NaN");
    assertFalse(Files.exists(dir.resolve("o")));
    x[5] = Float.POSITIVE_INFINITY;
    Npy.write(nan, new Tensor(x, new int[] {1, 3, 8, 8}));
    assertError(run("classify", "--model", model.toString(), "--tensor", nan.toString()), 2, "infinite");
    // a model whose scores are NaN: sqrt of negative logits
    float[] w = new float[2 * 3 * 8 * 8];
    java.util.Arrays.fill(w, -0.01f);
    Onnx.ModelProto lin = TinyModels.linear(8, 8, 2, w, new float[] {-1, -1});
    Onnx.GraphProto.Builder g = lin.getGraph().toBuilder();
    g.setNode(1, g.getNode(1).toBuilder().setOutput(0, "pre"));
    g.addNode(TinyModels.node("Sqrt", java.util.List.of("pre"), "logits"));
    Path sqrt = modelFile("sqrt.onnx", g);
    assertError(run("classify", "--model", sqrt.toString(), "--preprocess", "inception", "--image",
        image.toString()), 1, "NaN", "img.png");
  }

  /** (11) a label file with 3 lines for a model with 2 classes. */
  @Test
  void aLabelCountThatDiffersFromTheClassesIsRefused() throws IOException {
    Path labels = dir.resolve("labels.txt");
    Files.writeString(labels, "a\nb\nc\n");
    assertError(run("classify", "--model", model.toString(), "--labels", labels.toString(), "--image",
        image.toString()), 2, "3", "2 classes");
  }

  /** (12) an output [N,3,8,8] is not class scores; a known model's file name with another SHA-256 warns. */
  @Test
  void nonClassifierOutputsAreRefusedAndNameOnlyMatchesWarn() throws IOException {
    Path identity = modelFile("identity.onnx", Onnx.GraphProto.newBuilder()
        .addInput(TinyModels.floats("input", -1, 3, 8, 8)).addOutput(TinyModels.floats("out", -1, 3, 8, 8))
        .addNode(TinyModels.node("Identity", java.util.List.of("input"), "out")));
    assertError(run("classify", "--model", identity.toString(), "--image", image.toString()), 1,
        "3,8,8]", "class scores");
    Path known = dir.resolve("resnet18.onnx");
    Files.copy(model, known);
    CliErrorsTest.Outcome o = run("classify", "--model", known.toString(), "--image", image.toString());
    assertTrue(o.err().contains("lanterne: warning: resnet18.onnx has the name of a known model but another"
        + " SHA-256"), o.err());
  }

  /** (14) user input that used to reach the user as a Java exception. */
  @Test
  void userInputNeverGivesAnInternalError() throws IOException {
    Path huge = modelFile("huge.onnx", Onnx.GraphProto.newBuilder()
        .addInput(TinyModels.floats("input", 1, 3, 100000, 100000)).addOutput(TinyModels.floats("out", 1, 3))
        .addNode(TinyModels.node("GlobalAveragePool", java.util.List.of("input"), "pool"))
        .addNode(TinyModels.node("Flatten", java.util.List.of("pool"), "out")));
    assertError(run("classify", "--model", huge.toString(), "--image", image.toString()), 1, "100000x100000");
    assertError(run("rise", "--model", model.toString(), "--image", image.toString(), "--grid", "9", "--out",
        dir.resolve("o").toString()), 2, "grid", "at most 8");
    assertError(run("explain", "--model", model.toString(), "--image", image.toString(), "--methods", "rise",
        "--grid", "9", "--out", dir.resolve("o").toString()), 2, "grid");
    assertFalse(Files.exists(dir.resolve("o")));
    assertError(run("gradcam", "--model", model.toString(), "--image", image.toString(), "--layer", "flat",
        "--out", dir.resolve("o").toString()), 2, "--layer: ", "flat", "lanterne layers");
    // the library names the setting, the command line its flag
    assertError(run("classify", "--model", model.toString(), "--image", image.toString(), "--device", "tpu"), 2,
        "--device: ", "'tpu'");
    Path empty = dir.resolve("empty.npy");
    Npy.write(empty, new Tensor(new float[0], new int[] {0, 3, 8, 8}));
    assertError(run("classify", "--model", model.toString(), "--tensor", empty.toString()), 2, "no input");
    assertError(run("bench", "forward", "--model", model.toString(), "--batches", "1,abc"), 2, "--batches",
        "abc");
  }

  /** (15) a 240-character image name: its files fit, whatever the file system's name limit. */
  @Test
  void veryLongImageNamesStillGiveWritableFileNames() throws IOException {
    Path longName = dir.resolve("x".repeat(236) + ".png");
    Files.copy(image, longName);
    CliErrorsTest.Outcome o = run("saliency", "--model", model.toString(), "--image", longName.toString(), "--raw",
        "--out", dir.resolve("long").toString());
    assertEquals(0, o.code(), o.err());
    try (var s = Files.list(dir.resolve("long"))) {
      assertTrue(s.allMatch(p -> p.getFileName().toString().length() <= 255));
    }
  }
}
