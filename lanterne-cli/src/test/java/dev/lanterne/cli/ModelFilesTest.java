package dev.lanterne.cli;

import static dev.lanterne.cli.HardeningCliTest.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanterne.LanterneException;
import dev.lanterne.onnx.OnnxModels;
import dev.lanterne.onnx.proto.Onnx;
import dev.lanterne.testing.TinyModels;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13 (5, 6, 7): every command loads a model through the one checked path; external data and a
 * card's labels must lie inside their folder, with links resolved.
 */
class ModelFilesTest {
  @TempDir Path dir;
  Path image;
  Path secret;
  float[] weights;

  @BeforeEach
  void setUp() throws IOException {
    weights = new float[2 * 3 * 8 * 8];
    for (int i = 0; i < weights.length; i++) {
      weights[i] = (i % 7) * 0.01f - 0.03f;
    }
    image = dir.resolve("img.png");
    BufferedImage im = new BufferedImage(20, 16, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 16; y++) {
      for (int x = 0; x < 20; x++) {
        im.setRGB(x, y, (x * 12) << 16 | (y * 15) << 8 | 128);
      }
    }
    ImageIO.write(im, "png", image.toFile());
    Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
    secret = elsewhere.resolve("secret.bin");
    Files.write(secret, bytes(weights));
  }

  private static byte[] bytes(float[] w) {
    ByteBuffer b = ByteBuffer.allocate(4 * w.length).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : w) {
      b.putFloat(v);
    }
    return b.array();
  }

  /** The tiny linear model in folder/m.onnx with its weights W stored as external data at location. */
  private Path externalModel(Path folder, String location) throws IOException {
    Onnx.ModelProto m = TinyModels.linear(8, 8, 2, weights, new float[] {0.1f, -0.1f});
    Onnx.GraphProto.Builder g = m.getGraph().toBuilder();
    for (int i = 0; i < g.getInitializerCount(); i++) {
      if (g.getInitializer(i).getName().equals("W")) {
        g.setInitializer(i, g.getInitializer(i).toBuilder().clearRawData().clearFloatData()
            .setDataLocation(Onnx.TensorProto.DataLocation.EXTERNAL)
            .addExternalData(Onnx.StringStringEntryProto.newBuilder().setKey("location").setValue(location))
            .build());
      }
    }
    Files.createDirectories(folder);
    Path file = folder.resolve("m.onnx");
    Files.write(file, m.toBuilder().setGraph(g).build().toByteArray());
    return file;
  }

  /** (5) invert, dream and evaluate read legitimate external data wherever the current folder is. */
  @Test
  void everyCommandReadsExternalDataBesideTheModel() throws IOException {
    Path folder = dir.resolve("model");
    Path model = externalModel(folder, "weights.bin");
    Files.write(folder.resolve("weights.bin"), bytes(weights));
    String m = model.toString();
    CliErrorsTest.Outcome o = CliErrorsTest.run("invert", "--model", m, "--preprocess", "inception", "--class",
        "1", "--steps", "2", "--out", dir.resolve("inv").toString());
    assertEquals(0, o.code(), o.err());
    o = CliErrorsTest.run("dream", "--model", m, "--preprocess", "inception", "--image", image.toString(),
        "--class", "1", "--octaves", "1", "--steps", "2", "--out", dir.resolve("dream").toString());
    assertEquals(0, o.code(), o.err());
    o = CliErrorsTest.run("evaluate", "--model", m, "--preprocess", "inception", "--image", image.toString(),
        "--methods", "saliency", "--out", dir.resolve("eval").toString());
    assertEquals(0, o.code(), o.err());
  }

  /** (5) lanterne invert/dream with external data at ../../../../etc/passwd are refused like classify. */
  @Test
  void everyCommandRefusesExternalDataOutsideTheModelFolder() throws IOException {
    Path model = externalModel(dir.resolve("a/b/c"), "../../../elsewhere/secret.bin");
    String m = model.toString();
    for (String[] args : new String[][] {
        {"classify", "--model", m, "--preprocess", "inception", "--image", image.toString()},
        {"invert", "--model", m, "--preprocess", "inception", "--class", "1", "--steps", "2", "--out",
            dir.resolve("inv").toString()},
        {"dream", "--model", m, "--preprocess", "inception", "--image", image.toString(), "--class", "1",
            "--octaves", "1", "--steps", "2", "--out", dir.resolve("dream").toString()},
        {"evaluate", "--model", m, "--preprocess", "inception", "--image", image.toString(), "--methods",
            "saliency", "--out", dir.resolve("eval").toString()}}) {
      assertError(CliErrorsTest.run(args), 1, "outside");
    }
    assertFalse(Files.exists(dir.resolve("inv")));
  }

  /** (6) a location that is a link to a file outside, or passes through a linked folder, is refused. */
  @Test
  void linksOutOfTheModelFolderAreRefused() throws IOException {
    Path folder = dir.resolve("linked");
    Path model = externalModel(folder, "weights.bin");
    Files.createSymbolicLink(folder.resolve("weights.bin"), secret);
    LanterneException e = assertThrows(LanterneException.class, () -> OnnxModels.load(model));
    assertTrue(e.getMessage().contains("outside"), e.getMessage());
    assertThrows(LanterneException.class, () -> OnnxModels.readBytes(model));

    Path folder2 = dir.resolve("linkeddir");
    Path model2 = externalModel(folder2, "data/secret.bin");
    Files.createSymbolicLink(folder2.resolve("data"), secret.getParent());
    e = assertThrows(LanterneException.class, () -> OnnxModels.load(model2));
    assertTrue(e.getMessage().contains("outside"), e.getMessage());
    assertError(CliErrorsTest.run("convert", "--model", model2.toString(), "--out",
        dir.resolve("copy.onnx").toString()), 1, "outside");
    assertFalse(Files.exists(dir.resolve("copy.onnx")));

    // a link inside the folder is fine
    Path folder3 = dir.resolve("inner");
    Path model3 = externalModel(folder3, "w.bin");
    Files.write(folder3.resolve("real.bin"), bytes(weights));
    Files.createSymbolicLink(folder3.resolve("w.bin"), folder3.resolve("real.bin"));
    OnnxModels.load(model3);
  }

  /** (7) "labels": "../../../../etc/passwd" in a card, or a label file linked out of the card's folder. */
  @Test
  void cardLabelsMustLieInTheCardFolder() throws IOException {
    Path model = dir.resolve("tiny.onnx");
    Files.write(model, TinyModels.linear(8, 8, 2, weights, new float[] {0.1f, -0.1f}).toByteArray());
    Path cards = Files.createDirectories(dir.resolve("cards"));
    Files.writeString(secret.resolveSibling("names.txt"), "root\ndaemon\n");
    String card = "{\"name\":\"tiny\",\"inputSize\":[8,8],\"resize\":\"crop-then-resize\",\"cropFraction\":1.0,"
        + "\"mean\":[0.5,0.5,0.5],\"std\":[0.5,0.5,0.5],\"output\":\"logits\",\"labels\":\"%s\"}";
    Path escape = cards.resolve("escape.json");
    Files.writeString(escape, String.format(card, "../elsewhere/names.txt"));
    assertError(CliErrorsTest.run("classify", "--model", model.toString(), "--card", escape.toString(), "--image",
        image.toString()), 1, "outside");
    Files.createSymbolicLink(cards.resolve("linked.txt"), secret.resolveSibling("names.txt"));
    Path linked = cards.resolve("linked.json");
    Files.writeString(linked, String.format(card, "linked.txt"));
    assertError(CliErrorsTest.run("classify", "--model", model.toString(), "--card", linked.toString(), "--image",
        image.toString()), 1, "outside");
    Files.writeString(cards.resolve("ok.txt"), "zero\none\n");
    Path ok = cards.resolve("ok.json");
    Files.writeString(ok, String.format(card, "ok.txt"));
    CliErrorsTest.Outcome o = CliErrorsTest.run("classify", "--model", model.toString(), "--card", ok.toString(),
        "--image", image.toString());
    assertEquals(0, o.code(), o.err());
    assertTrue(o.out().contains("zero") || o.out().contains("one"), o.out());
  }
}
