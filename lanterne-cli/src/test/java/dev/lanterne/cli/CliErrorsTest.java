package dev.lanterne.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanterne.onnx.proto.Onnx;
import dev.lanterne.testing.TinyModels;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input gets one line on stderr naming the problem and what to do, a non-zero exit, and no files left. */
class CliErrorsTest {
  @TempDir Path dir;
  Path model;
  Path image;

  /** Runs the CLI and captures what it printed. */
  record Outcome(int code, String out, String err) {}

  static Outcome run(String... args) {
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      int code = Main.run(args);
      return new Outcome(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
  }

  @BeforeEach
  void setUp() throws IOException {
    float[] w = new float[2 * 3 * 8 * 8];
    for (int i = 0; i < w.length; i++) {
      w[i] = (i % 7) * 0.01f - 0.03f;
    }
    model = dir.resolve("tiny.onnx");
    Files.write(model, TinyModels.linear(8, 8, 2, w, new float[] {0.1f, -0.1f}).toByteArray());
    image = dir.resolve("img.png");
    java.awt.image.BufferedImage im = new java.awt.image.BufferedImage(20, 16,
        java.awt.image.BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 16; y++) {
      for (int x = 0; x < 20; x++) {
        im.setRGB(x, y, (x * 12) << 16 | (y * 15) << 8 | 128);
      }
    }
    javax.imageio.ImageIO.write(im, "png", image.toFile());
  }

  private static void assertOneLineError(Outcome o, int code, String... fragments) {
    assertEquals(code, o.code(), "exit code; stderr was: " + o.err());
    String err = o.err().strip();
    assertFalse(err.isEmpty(), "an error message on stderr");
    assertEquals(1, err.lines().filter(l -> !l.startsWith("lanterne: warning")).count(),
        "exactly one error line: " + err);
    assertFalse(err.contains("\tat "), "no stack trace without --verbose: " + err);
    for (String f : fragments) {
      assertTrue(err.toLowerCase().contains(f.toLowerCase()), "message mentions '" + f + "': " + err);
    }
  }

  private void assertNoFilesIn(Path out) throws IOException {
    if (Files.exists(out)) {
      try (Stream<Path> s = Files.walk(out)) {
        assertEquals(0, s.filter(Files::isRegularFile).count(), "no files left in " + out);
      }
    }
  }

  @Test
  void unknownCommandIsUsageError() {
    assertOneLineError(run("frobnicate"), 2, "unknown command");
  }

  @Test
  void missingImage() {
    assertOneLineError(run("classify", "--model", model.toString(), "--preprocess", "torchvision", "--image",
        dir.resolve("nope.jpg").toString()), 1, "nope.jpg");
  }

  @Test
  void textFileNamedOnnxIsNotAModel() throws IOException {
    Path fake = dir.resolve("model.onnx");
    Files.writeString(fake, "this is not a model\n");
    assertOneLineError(run("classify", "--model", fake.toString(), "--image", image.toString()), 1,
        "not an ONNX model");
  }

  @Test
  void missingModelFile() {
    assertOneLineError(run("classify", "--model", dir.resolve("absent.onnx").toString(), "--image",
        image.toString()), 1, "does not exist");
  }

  @Test
  void missingModelFileIsAFailureForBenchAsForEveryOtherCommand() {
    for (String bench : new String[] {"gradients", "batch"}) {
      assertOneLineError(run("bench", bench, "--model", dir.resolve("absent.onnx").toString()), 1, "does not exist");
    }
  }

  @Test
  void modelWhoseInputIsNotAnImage() throws IOException {
    Onnx.GraphProto.Builder g = Onnx.GraphProto.newBuilder()
        .addInput(TinyModels.floats("x", -1, 10)).addOutput(TinyModels.floats("y", -1, 10))
        .addNode(TinyModels.node("Relu", java.util.List.of("x"), "y"));
    Path vec = dir.resolve("vec.onnx");
    Files.write(vec, TinyModels.model(13, g).toByteArray());
    assertOneLineError(run("classify", "--model", vec.toString(), "--image", image.toString()), 1,
        "not an image tensor");
  }

  @Test
  void truncatedImage() throws IOException {
    byte[] png = Files.readAllBytes(image);
    Path broken = dir.resolve("broken.png");
    Files.write(broken, java.util.Arrays.copyOf(png, png.length / 2));
    assertOneLineError(run("classify", "--model", model.toString(), "--preprocess", "torchvision", "--image",
        broken.toString()), 1, "broken.png");
  }

  @Test
  void classOutOfRange() throws IOException {
    Path out = dir.resolve("out");
    Outcome o = run("preprocess", "--model", model.toString(), "--preprocess", "torchvision", "--image",
        image.toString(), "--out", out.resolve("x.npy").toString());
    assertEquals(0, o.code(), o.err());
    // classify has no --class; the check is shared by every explanation command through CliSupport.classes
    org.apache.commons.cli.CommandLine cl;
    try {
      cl = new org.apache.commons.cli.DefaultParser().parse(CommonOptions.classes(new org.apache.commons.cli.Options()),
          new String[] {"--class", "5000"});
    } catch (org.apache.commons.cli.ParseException e) {
      throw new AssertionError(e);
    }
    dev.lanterne.LanterneException e = org.junit.jupiter.api.Assertions.assertThrows(
        dev.lanterne.LanterneException.class, () -> CliSupport.classes(cl, new float[2000], 2, 1000, dev.lanterne.model.Labels.none()));
    assertEquals(2, e.exitCode());
    assertTrue(e.getMessage().contains("5000") && e.getMessage().contains("0 to 999"), e.getMessage());
  }

  @Test
  void unwritableOutputFolder() throws IOException {
    Path blocker = dir.resolve("file-not-folder");
    Files.writeString(blocker, "x");
    Outcome o = run("preprocess", "--model", model.toString(), "--preprocess", "torchvision", "--image",
        image.toString(), "--out", blocker.resolve("sub").resolve("x.npy").toString());
    assertOneLineError(o, 1, "cannot write");
  }

  @Test
  void badNumberIsUsageError() {
    assertOneLineError(run("classify", "--model", model.toString(), "--preprocess", "torchvision", "--image",
        image.toString(), "--top", "many"), 2, "--top");
  }

  @Test
  void verboseShowsStackTrace() throws IOException {
    Path fake = dir.resolve("model.onnx");
    Files.writeString(fake, "not a model");
    Outcome o = run("classify", "--verbose", "--model", fake.toString(), "--image", image.toString());
    assertEquals(1, o.code());
    assertTrue(o.err().contains("\tat "), "stack trace with --verbose");
  }

  @Test
  void preprocessWritesNothingOnFailure() throws IOException {
    Path out = dir.resolve("pp");
    Outcome o = run("preprocess", "--model", model.toString(), "--preprocess", "torchvision", "--image",
        dir.resolve("missing.png").toString(), "--out", out.resolve("x.npy").toString());
    assertEquals(1, o.code());
    assertNoFilesIn(out);
  }

  @Test
  void helpAndVersion() {
    Outcome h = run("--help");
    assertEquals(0, h.code());
    assertTrue(h.out().contains("classify"));
    Outcome v = run("--version");
    assertEquals(0, v.code());
    assertTrue(v.out().startsWith("lanterne "));
    Outcome ch = run("classify", "--help");
    assertEquals(0, ch.code());
    assertTrue(ch.out().contains("--model"));
  }
}
