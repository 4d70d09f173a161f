package dev.lanterne.testing;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.lanterne.onnx.proto.Onnx;
import dev.lanterne.runtime.OrtSessions;
import dev.lanterne.runtime.RuntimeOptions;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Builds small ONNX graphs in tests and runs them with ONNX Runtime. */
public final class TinyModels {
  private TinyModels() {}

  /** A tensor value info; a dimension below 0 becomes the symbol N. */
  public static Onnx.ValueInfoProto tensor(String name, int elemType, long... dims) {
    Onnx.TensorShapeProto.Builder shape = Onnx.TensorShapeProto.newBuilder();
    for (long d : dims) {
      shape.addDim(d < 0 ? Onnx.TensorShapeProto.Dimension.newBuilder().setDimParam("N")
          : Onnx.TensorShapeProto.Dimension.newBuilder().setDimValue(d));
    }
    return Onnx.ValueInfoProto.newBuilder().setName(name).setType(Onnx.TypeProto.newBuilder()
        .setTensorType(Onnx.TypeProto.Tensor.newBuilder().setElemType(elemType).setShape(shape))).build();
  }

  public static Onnx.ValueInfoProto floats(String name, long... dims) {
    return tensor(name, Onnx.TensorProto.DataType.FLOAT_VALUE, dims);
  }

  public static Onnx.NodeProto node(String op, List<String> inputs, String output, Onnx.AttributeProto... attrs) {
    Onnx.NodeProto.Builder n = Onnx.NodeProto.newBuilder().setOpType(op).setName(op + "_" + output)
        .addAllInput(inputs).addOutput(output);
    for (Onnx.AttributeProto a : attrs) {
      n.addAttribute(a);
    }
    return n.build();
  }

  public static Onnx.ModelProto model(int opset, Onnx.GraphProto.Builder graph) {
    return Onnx.ModelProto.newBuilder().setIrVersion(opset >= 13 ? 7 : 6).setProducerName("lanterne-test")
        .addOpsetImport(Onnx.OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset))
        .setGraph(graph.setName("test")).build();
  }

  /**
   * A linear classifier on [N,3,h,w] images: logits = flatten(x) W^T + b with k classes,
   * W[c,i] = weights[c*(3hw)+i]. Opset 13, dynamic batch.
   */
  public static Onnx.ModelProto linear(int h, int w, int k, float[] weights, float[] bias) {
    int d = 3 * h * w;
    return model(13, Onnx.GraphProto.newBuilder()
        .addInput(floats("input", -1, 3, h, w))
        .addOutput(floats("logits", -1, k))
        .addInitializer(dev.lanterne.onnx.TensorProtos.ofFloats("W", new long[] {k, d}, weights))
        .addInitializer(dev.lanterne.onnx.TensorProtos.ofFloats("b", new long[] {k}, bias))
        .addNode(node("Flatten", List.of("input"), "flat", dev.lanterne.onnx.Attributes.ofInt("axis", 1)))
        .addNode(node("Gemm", List.of("flat", "W", "b"), "logits", dev.lanterne.onnx.Attributes.ofInt("transB", 1))));
  }

  /**
   * The scores of {@link #linear} for n images x [n,3,h,w], computed here in double precision: the
   * reference its tests compare ONNX Runtime's output with.
   */
  public static float[] linearScores(int h, int w, int k, float[] weights, float[] bias, float[] x, int n) {
    int d = 3 * h * w;
    float[] y = new float[n * k];
    for (int i = 0; i < n; i++) {
      for (int c = 0; c < k; c++) {
        double s = bias[c];
        for (int j = 0; j < d; j++) {
          s += (double) weights[c * d + j] * x[i * d + j];
        }
        y[i * k + c] = (float) s;
      }
    }
    return y;
  }

  /** Runs a one-input model and returns one output's values. */
  public static float[] run(byte[] model, String input, float[] x, long[] shape, String output) {
    try (OrtSession s = OrtSessions.create(model, RuntimeOptions.DEFAULT.withThreads(1), "test model");
        OnnxTensor t = OnnxTensor.createTensor(OrtSessions.environment(), FloatBuffer.wrap(x), shape);
        OrtSession.Result r = s.run(Map.of(input, t), Set.of(output))) {
      FloatBuffer fb = ((OnnxTensor) r.get(0)).getFloatBuffer();
      float[] out = new float[fb.remaining()];
      fb.get(out);
      return out;
    } catch (OrtException e) {
      throw new IllegalStateException(e);
    }
  }
}
