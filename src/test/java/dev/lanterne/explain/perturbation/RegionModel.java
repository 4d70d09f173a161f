package dev.lanterne.explain.perturbation;

import com.google.protobuf.ByteString;
import dev.lanterne.model.Labels;
import dev.lanterne.onnx.proto.Onnx;
import dev.lanterne.runtime.Classifier;
import dev.lanterne.runtime.RuntimeOptions;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A tiny ONNX classifier built in the test: it undoes the normalisation (x * std + mean, back to
 * pixels) and scores class k as the mean pixel value over a known rectangle R_k (all channels),
 * with one full-image Conv. Its scores are hand-computable.
 */
final class RegionModel {
  static final int H = 16;
  static final int W = 16;
  static final float[] MEAN = {0.5f, 0.4f, 0.3f};
  static final float[] STD = {0.25f, 0.5f, 0.2f};

  /** Rectangles {top, left, height, width} scored by class 0 and class 1. */
  static final int[][] REGIONS = {{3, 8, 5, 6}, {10, 1, 4, 4}};

  private RegionModel() {}

  static Normalizer normalizer() {
    return new Normalizer(MEAN, STD);
  }

  /** Conv weights [2,3,H,W]: 1/(3 |R_k|) inside R_k. */
  static float[] weights() {
    float[] w = new float[2 * 3 * H * W];
    for (int k = 0; k < 2; k++) {
      int[] r = REGIONS[k];
      float v = 1f / (3 * r[2] * r[3]);
      for (int c = 0; c < 3; c++) {
        for (int y = r[0]; y < r[0] + r[2]; y++) {
          for (int x = r[1]; x < r[1] + r[3]; x++) {
            w[((k * 3 + c) * H + y) * W + x] = v;
          }
        }
      }
    }
    return w;
  }

  static boolean inRegion(int k, int y, int x) {
    int[] r = REGIONS[k];
    return y >= r[0] && y < r[0] + r[2] && x >= r[1] && x < r[1] + r[3];
  }

  /** The model's scores for a pixel image [3,H,W], computed by hand. */
  static double[] scores(float[] pixels) {
    float[] w = weights();
    double[] s = new double[2];
    for (int k = 0; k < 2; k++) {
      for (int i = 0; i < 3 * H * W; i++) {
        s[k] += (double) w[k * 3 * H * W + i] * pixels[i];
      }
    }
    return s;
  }

  static BlackBox open(RuntimeOptions options) {
    Classifier c = Classifier.open(bytes(), "region-model", options);
    return new BlackBox(c, normalizer(), Labels.of(java.util.List.of("top region", "bottom region")), false);
  }

  static byte[] bytes() {
    Onnx.GraphProto graph = Onnx.GraphProto.newBuilder()
        .setName("region")
        .addInput(valueInfo("input", "N", 3, H, W))
        .addOutput(valueInfo("scores", "N", 2))
        .addInitializer(tensor("std", STD, 1, 3, 1, 1))
        .addInitializer(tensor("mean", MEAN, 1, 3, 1, 1))
        .addInitializer(tensor("w", weights(), 2, 3, H, W))
        .addNode(node("Mul", "input", "std", "scaled"))
        .addNode(node("Add", "scaled", "mean", "pixels"))
        .addNode(node("Conv", "pixels", "w", "conv"))
        .addNode(Onnx.NodeProto.newBuilder().setOpType("Flatten").addInput("conv").addOutput("scores")
            .addAttribute(Onnx.AttributeProto.newBuilder().setName("axis").setI(1)
                .setType(Onnx.AttributeProto.AttributeType.INT)))
        .build();
    return Onnx.ModelProto.newBuilder()
        .setIrVersion(8)
        .addOpsetImport(Onnx.OperatorSetIdProto.newBuilder().setDomain("").setVersion(13))
        .setGraph(graph)
        .build()
        .toByteArray();
  }

  private static Onnx.NodeProto node(String op, String a, String b, String out) {
    return Onnx.NodeProto.newBuilder().setOpType(op).addInput(a).addInput(b).addOutput(out).build();
  }

  private static Onnx.ValueInfoProto valueInfo(String name, String batch, int... dims) {
    Onnx.TensorShapeProto.Builder shape = Onnx.TensorShapeProto.newBuilder()
        .addDim(Onnx.TensorShapeProto.Dimension.newBuilder().setDimParam(batch));
    for (int d : dims) {
      shape.addDim(Onnx.TensorShapeProto.Dimension.newBuilder().setDimValue(d));
    }
    return Onnx.ValueInfoProto.newBuilder().setName(name)
        .setType(Onnx.TypeProto.newBuilder().setTensorType(
            Onnx.TypeProto.Tensor.newBuilder().setElemType(Onnx.TensorProto.DataType.FLOAT_VALUE).setShape(shape)))
        .build();
  }

  private static Onnx.TensorProto tensor(String name, float[] values, long... dims) {
    ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : values) {
      b.putFloat(v);
    }
    Onnx.TensorProto.Builder t = Onnx.TensorProto.newBuilder().setName(name)
        .setDataType(Onnx.TensorProto.DataType.FLOAT_VALUE).setRawData(ByteString.copyFrom(b.array()));
    for (long d : dims) {
      t.addDims(d);
    }
    return t.build();
  }

  /** A seeded test image in [0.2, 1]. */
  static float[] image(long seed) {
    java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
    float[] x = new float[3 * H * W];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) r.nextDouble(0.2, 1.0);
    }
    return x;
  }
}
