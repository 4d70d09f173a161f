package dev.lanterne.metrics;

import dev.lanterne.onnx.TensorProtos;
import dev.lanterne.onnx.proto.Onnx;

/**
 * A two-class ONNX model (opset 13) whose class-0 logit reads only a known pixel region:
 * Conv 1x1 (3 -> 1 channel, weights 1: the channel sum) -> Flatten -> Gemm, where class 0's row is
 * {@code weight} on the region and 0 elsewhere and class 1 is the constant {@code bias1}. So
 * logit0 = weight * sum over region pixels of (x_r + x_g + x_b), logit1 = bias1.
 */
public final class TinyLinearModel {
  final int size;
  final boolean[] region;
  final float weight;
  final float bias1;

  public TinyLinearModel(int size, boolean[] region, float weight, float bias1) {
    this.size = size;
    this.region = region;
    this.weight = weight;
    this.bias1 = bias1;
  }

  /** The region as the rectangle [x0, x1) x [y0, y1). */
  public static boolean[] rectangle(int size, int x0, int y0, int x1, int y1) {
    boolean[] r = new boolean[size * size];
    for (int y = y0; y < y1; y++) {
      for (int x = x0; x < x1; x++) {
        r[y * size + x] = true;
      }
    }
    return r;
  }

  /** The logits by the formula, independently of ONNX Runtime. */
  double[] logits(float[] chw) {
    int plane = size * size;
    double s = 0;
    for (int p = 0; p < plane; p++) {
      if (region[p]) {
        s += chw[p] + chw[plane + p] + chw[2 * plane + p];
      }
    }
    return new double[] {weight * s, bias1};
  }

  public double probability0(float[] chw) {
    double[] l = logits(chw);
    return 1 / (1 + Math.exp(l[1] - l[0]));
  }

  public Onnx.ModelProto proto() {
    int plane = size * size;
    float[] w2 = new float[2 * plane];
    for (int p = 0; p < plane; p++) {
      w2[p] = region[p] ? weight : 0f;
    }
    Onnx.GraphProto g = Onnx.GraphProto.newBuilder().setName("tiny")
        .addInput(value("input", "N", 3, size, size))
        .addOutput(value("logits", "N", 2))
        .addInitializer(TensorProtos.ofFloats("conv.weight", new long[] {1, 3, 1, 1}, new float[] {1, 1, 1}))
        .addInitializer(TensorProtos.ofFloats("conv.bias", new long[] {1}, new float[] {0}))
        .addInitializer(TensorProtos.ofFloats("fc.weight", new long[] {2, plane}, w2))
        .addInitializer(TensorProtos.ofFloats("fc.bias", new long[] {2}, new float[] {0, bias1}))
        .addNode(Onnx.NodeProto.newBuilder().setName("conv").setOpType("Conv").addInput("input")
            .addInput("conv.weight").addInput("conv.bias").addOutput("c"))
        .addNode(Onnx.NodeProto.newBuilder().setName("flatten").setOpType("Flatten").addInput("c").addOutput("f")
            .addAttribute(Onnx.AttributeProto.newBuilder().setName("axis").setI(1)
                .setType(Onnx.AttributeProto.AttributeType.INT)))
        .addNode(Onnx.NodeProto.newBuilder().setName("fc").setOpType("Gemm").addInput("f").addInput("fc.weight")
            .addInput("fc.bias").addOutput("logits")
            .addAttribute(Onnx.AttributeProto.newBuilder().setName("transB").setI(1)
                .setType(Onnx.AttributeProto.AttributeType.INT)))
        .build();
    return Onnx.ModelProto.newBuilder().setIrVersion(7).setProducerName("lanterne-test")
        .addOpsetImport(Onnx.OperatorSetIdProto.newBuilder().setDomain("").setVersion(13)).setGraph(g).build();
  }

  private static Onnx.ValueInfoProto value(String name, Object... dims) {
    Onnx.TensorShapeProto.Builder shape = Onnx.TensorShapeProto.newBuilder();
    for (Object d : dims) {
      if (d instanceof String s) {
        shape.addDim(Onnx.TensorShapeProto.Dimension.newBuilder().setDimParam(s));
      } else {
        shape.addDim(Onnx.TensorShapeProto.Dimension.newBuilder().setDimValue((Integer) d));
      }
    }
    return Onnx.ValueInfoProto.newBuilder().setName(name).setType(Onnx.TypeProto.newBuilder()
        .setTensorType(Onnx.TypeProto.Tensor.newBuilder().setElemType(Onnx.TensorProto.DataType.FLOAT_VALUE)
            .setShape(shape))).build();
  }
}
