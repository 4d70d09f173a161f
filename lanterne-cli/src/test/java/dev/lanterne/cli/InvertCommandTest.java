package dev.lanterne.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lanterne.LanterneException;
import dev.lanterne.onnx.Attributes;
import dev.lanterne.onnx.TensorProtos;
import dev.lanterne.onnx.proto.Onnx;
import dev.lanterne.testing.TinyModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.apache.commons.cli.DefaultParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InvertCommandTest {

  @TempDir
  Path tmp;

  /** logits = Gemm(Flatten(Relu(Conv 1x1(x)))), 3x8x8 input, 4 classes: differentiable and tiny. */
  private Path tinyModel() throws Exception {
    float[] w = new float[2 * 3];
    for (int i = 0; i < w.length; i++) {
      w[i] = 0.3f * (i - 2.5f);
    }
    float[] fc = new float[2 * 8 * 8 * 4];
    for (int i = 0; i < fc.length; i++) {
      fc[i] = (float) Math.sin(1.7 * i) * 0.2f;
    }
    Onnx.GraphProto.Builder g = Onnx.GraphProto.newBuilder()
        .addInput(TinyModels.floats("input", -1, 3, 8, 8))
        .addOutput(TinyModels.floats("logits", -1, 4))
        .addInitializer(TensorProtos.ofFloats("w", new long[] {2, 3, 1, 1}, w))
        .addInitializer(TensorProtos.ofFloats("fc", new long[] {128, 4}, fc))
        .addNode(TinyModels.node("Conv", List.of("input", "w"), "conv"))
        .addNode(TinyModels.node("Relu", List.of("conv"), "relu"))
        .addNode(TinyModels.node("Flatten", List.of("relu"), "flat", Attributes.ofInt("axis", 1)))
        .addNode(TinyModels.node("Gemm", List.of("flat", "fc"), "logits"));
    Path p = tmp.resolve("tiny.onnx");
    Files.write(p, TinyModels.model(11, g).toByteArray());
    return p;
  }

  private static int run(Command c, String... args) throws Exception {
    return c.run(new DefaultParser().parse(c.options(), args));
  }

  @Test
  void fourierParameterisationClimbsAChannelOfALayer() throws Exception {
    Path model = tinyModel();
    Path out = tmp.resolve("fft");
    assertEquals(0, run(new InvertCommand(), "--model", model.toString(), "--preprocess", "inception",
        "--layer", "relu", "--unit", "channel:1", "--param", "fft", "--decorrelate", "--steps", "20",
        "--snapshot-every", "0", "--out", out.toString()));
    JsonNode j = new ObjectMapper().readTree(out.resolve("explanations.json").toFile());
    assertTrue(j.toString().contains("channel:1") && j.toString().contains("fft, decorrelated"), j.toString());
  }

  @Test
  void invertWritesImagesStripsGridAndCurves() throws Exception {
    Path model = tinyModel();
    Path out = tmp.resolve("out");
    assertEquals(0, run(new InvertCommand(), "--model", model.toString(), "--preprocess", "inception",
        "--class", "1", "--class", "3", "--steps", "6", "--no-regularization", "--snapshot-every", "3", "--out", out.toString()));
    JsonNode j = new ObjectMapper().readTree(out.resolve("explanations.json").toFile());
    assertEquals(2, j.get("images").size());
    for (JsonNode img : j.get("images")) {
      assertEquals(7, img.get("objectivePerStep").size());
      assertEquals(7, img.get("probabilityPerStep").size());
      assertEquals(8, ImageIO.read(out.resolve(img.get("image").asText()).toFile()).getWidth());
      assertTrue(Files.isRegularFile(out.resolve(img.get("progress").asText())));
      double first = img.get("objectivePerStep").get(0).asDouble();
      double last = img.get("objectivePerStep").get(6).asDouble();
      assertTrue(last > first, "the score must grow: " + first + " -> " + last);
    }
    assertTrue(Files.isRegularFile(out.resolve("invert-grid.png")));
  }

  @Test
  void finiteDifferenceGradientsAlsoClimb() throws Exception {
    Path model = tinyModel();
    Path out = tmp.resolve("fd");
    assertEquals(0, run(new InvertCommand(), "--model", model.toString(), "--preprocess", "inception",
        "--class", "2", "--steps", "5", "--no-regularization", "--gradient", "fd", "--out", out.toString()));
    JsonNode img = new ObjectMapper().readTree(out.resolve("explanations.json").toFile()).get("images").get(0);
    assertTrue(img.get("objectivePerStep").get(5).asDouble() > img.get("objectivePerStep").get(0).asDouble());
  }

  @Test
  void dreamOnALayerWritesItsOutputs() throws Exception {
    Path model = tinyModel();
    Path photo = tmp.resolve("photo.png");
    java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(10, 10, java.awt.image.BufferedImage.TYPE_INT_RGB);
    for (int i = 0; i < 100; i++) {
      img.setRGB(i % 10, i / 10, i * 0x020301);
    }
    ImageIO.write(img, "png", photo.toFile());
    Path out = tmp.resolve("dream");
    assertEquals(0, run(new DreamCommand(), "--model", model.toString(), "--preprocess", "inception",
        "--image", photo.toString(), "--layer", "relu", "--class", "2", "--octaves", "2", "--steps", "3", "--jitter", "0",
        "--out", out.toString()));
    JsonNode j = new ObjectMapper().readTree(out.resolve("explanations.json").toFile());
    assertEquals(2, j.get("images").size());
    assertEquals(7, j.get("images").get(1).get("objectivePerStep").size());
    assertTrue(j.get("images").get(1).get("probabilityPerStep").isEmpty());
    for (JsonNode d : j.get("images")) {
      assertTrue(d.get("objectivePerStep").get(6).asDouble() > d.get("objectivePerStep").get(0).asDouble());
    }
  }

  @Test
  void missingClassIsAUsageError() throws Exception {
    Path model = tinyModel();
    LanterneException e = assertThrows(LanterneException.class, () -> run(new InvertCommand(), "--model",
        model.toString(), "--preprocess", "inception", "--out", tmp.resolve("x").toString()));
    assertTrue(e.getMessage().contains("--class"));
  }
}
