package dev.lanterne.testing;

import dev.lanterne.onnx.Attributes;
import dev.lanterne.onnx.TensorProtos;
import dev.lanterne.onnx.proto.Onnx;

/** Small ONNX models built in tests, where the right answer can be worked out by hand. */
public final class TinyModels {
  private TinyModels() {}

  public static Onnx.ValueInfoProto floatInput(String name, Object... dims) {
    Onnx.TensorShapeProto.Builder shape = Onnx.TensorShapeProto.newBuilder();
    for (Object d : dims) {
      if (d instanceof String s) {
        shape.addDim(Onnx.TensorShapeProto.Dimension.newBuilder().setDimParam(s));
      } else {
        shape.addDim(Onnx.TensorShapeProto.Dimension.newBuilder().setDimValue(((Number) d).longValue()));
      }
    }
    return Onnx.ValueInfoProto.newBuilder().setName(name).setType(Onnx.TypeProto.newBuilder().setTensorType(
        Onnx.TypeProto.Tensor.newBuilder().setElemType(Onnx.TensorProto.DataType.FLOAT_VALUE).setShape(shape)))
        .build();
  }

  public static Onnx.NodeProto node(String op, String[] in, String[] out, Onnx.AttributeProto... attrs) {
    Onnx.NodeProto.Builder b = Onnx.NodeProto.newBuilder().setOpType(op).setName(op + "_" + out[0]);
    for (String s : in) {
      b.addInput(s);
    }
    for (String s : out) {
      b.addOutput(s);
    }
    for (Onnx.AttributeProto a : attrs) {
      b.addAttribute(a);
    }
    return b.build();
  }

  public static Onnx.ModelProto model(Onnx.GraphProto graph, int opset) {
    return Onnx.ModelProto.newBuilder().setIrVersion(8).setProducerName("lanterne-test")
        .addOpsetImport(Onnx.OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset)).setGraph(graph)
        .build();
  }

  /**
   * A linear classifier on [N,3,h,w] images: logits = flatten(x) W^T + b with K classes,
   * W[k,i] = weights[k*(3hw)+i]. Opset 13, dynamic batch.
   */
  public static Onnx.ModelProto linear(int h, int w, int k, float[] weights, float[] bias) {
    int d = 3 * h * w;
    Onnx.GraphProto g = Onnx.GraphProto.newBuilder().setName("linear")
        .addInput(floatInput("input", "N", 3, h, w))
        .addOutput(floatInput("logits", "N", k))
        .addInitializer(TensorProtos.ofFloats("W", new long[] {k, d}, weights))
        .addInitializer(TensorProtos.ofFloats("b", new long[] {k}, bias))
        .addNode(node("Flatten", new String[] {"input"}, new String[] {"flat"}, Attributes.ofInt("axis", 1)))
        .addNode(node("Gemm", new String[] {"flat", "W", "b"}, new String[] {"logits"},
            Attributes.ofInt("transB", 1)))
        .build();
    return model(g, 13);
  }
}
