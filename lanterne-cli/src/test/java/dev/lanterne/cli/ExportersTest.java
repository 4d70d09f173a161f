package dev.lanterne.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanterne.onnx.Attributes;
import dev.lanterne.onnx.ImageInput;
import dev.lanterne.onnx.TensorProtos;
import dev.lanterne.onnx.proto.Onnx;
import dev.lanterne.tensor.Npy;
import dev.lanterne.testing.SharedData;
import dev.lanterne.testing.TinyModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.Options;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Models from other exporters: a channels-last input (Keras through tf2onnx: [N,H,W,3], here a small
 * CNN with a Transpose in front) and a symbolic height and width (fixed by --size) are explained
 * exactly like the channels-first model with the same weights; 8-bit inputs are refused in one line.
 */
class ExportersTest {
  @TempDir
  Path dir;

  @Test
  void channelsLastAndSymbolicSizesExplainLikeChannelsFirst() throws Exception {
    Path nchw = write("nchw.onnx", cnn(false, false));
    Path nhwc = write("nhwc.onnx", cnn(true, false));
    Path symbolic = write("symbolic.onnx", cnn(false, true));
    Path image = SharedData.image("astronaut.png");
    float[] reference = gradcam(nchw, image, "a");
    assertArrayEquals(reference, gradcam(nhwc, image, "b"), 1e-6f, "channels last");
    assertArrayEquals(reference, gradcam(symbolic, image, "c", "--size", "16x16"), 1e-6f, "symbolic size");
    assertEquals("NHWC", spec(nhwc).card().inputLayout());
    assertEquals("NCHW", spec(nchw).card().inputLayout());
    assertArrayEquals(new int[] {3, 16, 16}, spec(nhwc).inputShape());

    CliErrorsTest.Outcome noSize = CliErrorsTest.run("gradcam", "--model", symbolic.toString(), "--image",
        image.toString(), "--out", dir.resolve("d").toString());
    assertEquals(2, noSize.code(), noSize.err());
    assertTrue(noSize.err().contains("--size") && noSize.err().lines().count() <= 2, noSize.err());
    CliErrorsTest.Outcome layers = CliErrorsTest.run("layers", "--model", nhwc.toString());
    assertEquals(0, layers.code(), layers.err());
    assertTrue(layers.out().lines().anyMatch(l -> l.startsWith("*") && l.contains("4x16x16")), layers.out());
  }

  @Test
  void eightBitInputsAreRefusedInOneLine() throws Exception {
    Onnx.ModelProto m = cnn(true, false);
    Onnx.GraphProto.Builder g = m.getGraph().toBuilder();
    g.setInput(0, TinyModels.tensor("input", Onnx.TensorProto.DataType.UINT8_VALUE, -1, 16, 16, 3));
    Path u8 = write("u8.onnx", m.toBuilder().setGraph(g).build());
    CliErrorsTest.Outcome o = CliErrorsTest.run("classify", "--model", u8.toString(), "--image",
        SharedData.image("astronaut.png").toString());
    assertEquals(1, o.code(), o.err());
    assertTrue(o.err().contains("8-bit pixels") && !o.err().contains("Exception"), o.err());
  }

  @Test
  void guessesTheLayout() {
    assertEquals(ImageInput.Layout.NHWC, ImageInput.describe(cnn(true, false), null).layout());
    ImageInput.Info sym = ImageInput.describe(cnn(false, true), null);
    assertEquals(ImageInput.Layout.NCHW, sym.layout());
    assertTrue(sym.needsAdapting() && sym.height() < 0);
    assertFalse(ImageInput.describe(cnn(false, false), null).needsAdapting());
  }

  @Test
  void reportsPreprocessingBakedIntoTheGraph() throws Exception {
    assertTrue(ImageInput.bakedPreprocessing(cnn(true, false)).isEmpty());
    Onnx.ModelProto m = cnn(true, false);
    Onnx.GraphProto.Builder g = m.getGraph().toBuilder();
    Onnx.NodeProto transpose = g.getNode(0);
    g.setNode(0, transpose.toBuilder().setInput(0, "scaled"));
    g.addInitializer(TensorProtos.scalar("scale", 1 / 255f));
    g.addNode(0, TinyModels.node("Mul", List.of("input", "scale"), "scaled"));
    Path baked = write("baked.onnx", m.toBuilder().setGraph(g).build());
    CliErrorsTest.Outcome o = CliErrorsTest.run("classify", "--model", baked.toString(), "--image",
        SharedData.image("astronaut.png").toString());
    assertEquals(0, o.code(), o.err());
    assertTrue(o.err().contains("normalises its input itself (node 'Mul_scaled'"), o.err());
  }

  private dev.lanterne.explain.ModelDescription spec(Path model) throws Exception {
    CommandLine cl = new DefaultParser().parse(CommonOptions.model(new Options()),
        new String[] {"--model", model.toString()});
    return CliSupport.model(cl);
  }

  private float[] gradcam(Path model, Path image, String out, String... extra) {
    List<String> args = new java.util.ArrayList<>(List.of("gradcam", "--model", model.toString(), "--image",
        image.toString(), "--class", "1", "--out", dir.resolve(out).toString()));
    args.addAll(List.of(extra));
    CliErrorsTest.Outcome o = CliErrorsTest.run(args.toArray(String[]::new));
    assertEquals(0, o.code(), o.err());
    return Npy.read(dir.resolve(out).resolve("astronaut_gradcam_c1.npy")).data();
  }

  private Path write(String name, Onnx.ModelProto m) throws Exception {
    Path p = dir.resolve(name);
    Files.write(p, m.toByteArray());
    return p;
  }

  /** Conv 3->4 (3x3, pad 1), ReLU, global average pooling, Flatten: 4 classes on 16x16 images. */
  static Onnx.ModelProto cnn(boolean channelsLast, boolean symbolic) {
    SplittableRandom rnd = new SplittableRandom(9);
    float[] w = new float[4 * 3 * 3 * 3];
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) rnd.nextDouble(-1, 1);
    }
    Onnx.GraphProto.Builder g = Onnx.GraphProto.newBuilder()
        .addInitializer(TensorProtos.ofFloats("w", new long[] {4, 3, 3, 3}, w))
        .addOutput(TinyModels.floats("logits", -1, 4));
    String x = "input";
    if (channelsLast) {
      g.addInput(TinyModels.floats("input", -1, 16, 16, 3));
      g.addNode(TinyModels.node("Transpose", List.of("input"), "nchw", Attributes.ofInts("perm", 0, 3, 1, 2)));
      x = "nchw";
    } else if (symbolic) {
      Onnx.TensorShapeProto.Builder s = Onnx.TensorShapeProto.newBuilder()
          .addDim(Onnx.TensorShapeProto.Dimension.newBuilder().setDimParam("N"))
          .addDim(Onnx.TensorShapeProto.Dimension.newBuilder().setDimValue(3))
          .addDim(Onnx.TensorShapeProto.Dimension.newBuilder().setDimParam("height"))
          .addDim(Onnx.TensorShapeProto.Dimension.newBuilder().setDimParam("width"));
      g.addInput(Onnx.ValueInfoProto.newBuilder().setName("input").setType(Onnx.TypeProto.newBuilder()
          .setTensorType(Onnx.TypeProto.Tensor.newBuilder().setElemType(1).setShape(s))));
    } else {
      g.addInput(TinyModels.floats("input", -1, 3, 16, 16));
    }
    g.addNode(TinyModels.node("Conv", List.of(x, "w"), "conv", Attributes.ofInts("pads", 1, 1, 1, 1)));
    g.addNode(TinyModels.node("Relu", List.of("conv"), "relu"));
    g.addNode(TinyModels.node("GlobalAveragePool", List.of("relu"), "pool"));
    g.addNode(TinyModels.node("Flatten", List.of("pool"), "logits", Attributes.ofInt("axis", 1)));
    return TinyModels.model(13, g);
  }
}
