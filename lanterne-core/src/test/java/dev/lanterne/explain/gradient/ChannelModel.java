package dev.lanterne.explain.gradient;

import dev.lanterne.explain.Images;
import dev.lanterne.explain.LanternModel;
import dev.lanterne.model.ModelCard;
import dev.lanterne.onnx.Attributes;
import dev.lanterne.onnx.TensorProtos;
import dev.lanterne.onnx.proto.Onnx;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A hand-built classifier where each class reads one channel: A = Relu(x) [N,3,4,4] (the CAM layer),
 * y_k = 4 * mean(A_k) for k = 0, 1 (channel 2 is read by no class). With {@code bypass}, the image also
 * reaches the pooling around the layer: y_k = 4 * mean(A_k + x_k). The test image has channel 0 lit on
 * the left half and channel 1 on the right half, so class 0's evidence is the left half.
 */
final class ChannelModel {
  static final int SIDE = 4;

  private ChannelModel() {}

  static Onnx.ModelProto proto(boolean bypass) {
    Onnx.GraphProto.Builder g = Onnx.GraphProto.newBuilder().setName("channels");
    g.addNode(node("Relu", List.of("x"), "a"));
    String pooled = "a";
    if (bypass) {
      g.addNode(node("Add", List.of("a", "x"), "s"));
      pooled = "s";
    }
    g.addNode(node("GlobalAveragePool", List.of(pooled), "g"));
    g.addNode(node("Flatten", List.of("g"), "f"));
    g.addNode(node("Gemm", List.of("f", "w"), "y").toBuilder().addAttribute(Attributes.ofInt("transB", 1)).build());
    g.addInitializer(TensorProtos.ofFloats("w", new long[] {2, 3}, new float[] {4, 0, 0, 0, 4, 0}));
    g.addInput(value("x", Onnx.TensorShapeProto.newBuilder()
        .addDim(Onnx.TensorShapeProto.Dimension.newBuilder().setDimParam("N"))
        .addDim(dim(3)).addDim(dim(SIDE)).addDim(dim(SIDE))));
    g.addOutput(value("y", Onnx.TensorShapeProto.newBuilder()
        .addDim(Onnx.TensorShapeProto.Dimension.newBuilder().setDimParam("N")).addDim(dim(2))));
    return Onnx.ModelProto.newBuilder().setIrVersion(8).setProducerName("test")
        .addOpsetImport(Onnx.OperatorSetIdProto.newBuilder().setDomain("").setVersion(13)).setGraph(g).build();
  }

  /** Opens the model from a file in dir, with identity normalisation and no graph cache. */
  static LanternModel open(Path dir, boolean bypass) {
    try {
      Path file = dir.resolve(bypass ? "bypass.onnx" : "channels.onnx");
      Files.write(file, proto(bypass).toByteArray());
      ModelCard card = new ModelCard("channels", null, null, new int[] {SIDE, SIDE}, null, null, null,
          new float[] {0, 0, 0}, new float[] {1, 1, 1}, null, "logits", null, null, null);
      return LanternModel.builder(file).card(card).cache(null).warnings(w -> { }).open();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Channel 0 is 1 on the left two columns, channel 1 on the right two, channel 2 is 0. */
  static float[] image() {
    float[] x = new float[3 * SIDE * SIDE];
    for (int y = 0; y < SIDE; y++) {
      for (int c = 0; c < SIDE; c++) {
        x[(c < SIDE / 2 ? 0 : 1) * SIDE * SIDE + y * SIDE + c] = 1f;
      }
    }
    return x;
  }

  static Images images(LanternModel model) {
    return model.tensors(image(), 1, List.of("halves"));
  }

  /** The expected class-0 map: a on the left half, b on the right half. */
  static float[] halves(float a, float b) {
    float[] m = new float[SIDE * SIDE];
    for (int i = 0; i < m.length; i++) {
      m[i] = i % SIDE < SIDE / 2 ? a : b;
    }
    return m;
  }

  private static Onnx.NodeProto node(String op, List<String> in, String out) {
    return Onnx.NodeProto.newBuilder().setOpType(op).setName(op + "_" + out).addAllInput(in).addOutput(out).build();
  }

  private static Onnx.TensorShapeProto.Dimension.Builder dim(long v) {
    return Onnx.TensorShapeProto.Dimension.newBuilder().setDimValue(v);
  }

  private static Onnx.ValueInfoProto value(String name, Onnx.TensorShapeProto.Builder shape) {
    return Onnx.ValueInfoProto.newBuilder().setName(name).setType(Onnx.TypeProto.newBuilder()
        .setTensorType(Onnx.TypeProto.Tensor.newBuilder().setElemType(1).setShape(shape))).build();
  }
}
