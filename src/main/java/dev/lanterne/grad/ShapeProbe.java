package dev.lanterne.grad;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.lanterne.LanterneException;
import dev.lanterne.onnx.TensorProtos;
import dev.lanterne.onnx.proto.Onnx;
import dev.lanterne.runtime.OrtSessions;
import dev.lanterne.runtime.RuntimeOptions;
import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Learns every tensor's shape by running the model once with all intermediate tensors exposed as
 * outputs, at batch 1 and, for a batch-dynamic model, at batch 2 (to see which axes follow the batch).
 * This replaces static shape inference: ONNX Runtime already knows every operator's shape rules.
 */
public final class ShapeProbe {
  private ShapeProbe() {}

  /**
   * @param input name of the image input
   * @param chw its {C,H,W}
   * @param dynamicBatch whether to probe at batch 2 as well
   */
  public static ProbedShapes probe(Onnx.ModelProto model, String input, long[] chw, boolean dynamicBatch) {
    Onnx.ModelProto exposed = IntermediateOutputs.exposeAll(model);
    byte[] bytes = exposed.toByteArray();
    RuntimeOptions opts = RuntimeOptions.DEFAULT.withThreads(0);
    OrtSession session = OrtSessions.create(bytes, opts, "the shape probe of the model");
    try {
      Map<String, Shape> one = run(session, input, chw, 1);
      Map<String, Shape> two = dynamicBatch ? run(session, input, chw, 2) : one;
      ProbedShapes shapes = new ProbedShapes();
      for (Onnx.TensorProto t : model.getGraph().getInitializerList()) {
        shapes.put(t.getName(), TensorProtos.dims(t), new boolean[t.getDimsCount()], t.getDataType());
      }
      for (Map.Entry<String, Shape> e : one.entrySet()) {
        long[] d1 = e.getValue().dims;
        Shape s2 = two.get(e.getKey());
        boolean[] follows = new boolean[d1.length];
        if (s2 != null && s2.dims.length == d1.length) {
          for (int a = 0; a < d1.length; a++) {
            follows[a] = s2.dims[a] != d1[a];
          }
        }
        shapes.put(e.getKey(), d1, follows, e.getValue().type);
      }
      return shapes;
    } finally {
      OrtSessions.closeQuietly(session);
    }
  }

  private record Shape(long[] dims, int type) {}

  /** ONNX Runtime's Java enum numbers types its own way; the names match ONNX's. */
  private static int onnxType(TensorInfo.OnnxTensorType t) {
    String name = t.name().substring("ONNX_TENSOR_ELEMENT_DATA_TYPE_".length());
    try {
      return Onnx.TensorProto.DataType.valueOf(name).getNumber();
    } catch (IllegalArgumentException e) {
      return 0;
    }
  }

  private static Map<String, Shape> run(OrtSession session, String input, long[] chw, int batch) {
    long[] shape = {batch, chw[0], chw[1], chw[2]};
    float[] x = new float[(int) (batch * chw[0] * chw[1] * chw[2])];
    java.util.SplittableRandom rnd = new java.util.SplittableRandom(11);
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) rnd.nextDouble(-1, 1);
    }
    Map<String, Shape> out = new HashMap<>();
    Set<String> names = new LinkedHashSet<>(session.getOutputNames());
    try (OnnxTensor t = OnnxTensor.createTensor(OrtSessions.environment(), FloatBuffer.wrap(x), shape);
        OrtSession.Result r = session.run(Map.of(input, t), names)) {
      out.put(input, new Shape(shape, Onnx.TensorProto.DataType.FLOAT_VALUE));
      for (Map.Entry<String, OnnxValue> e : r) {
        if (e.getValue() instanceof OnnxTensor ot) {
          TensorInfo info = ot.getInfo();
          out.put(e.getKey(), new Shape(info.getShape(), onnxType(info.onnxType)));
        }
      }
    } catch (OrtException e) {
      throw new LanterneException("ONNX Runtime cannot run the model at batch " + batch + " ("
          + OrtSessions.firstLine(e.getMessage()) + "); check that the model runs on its own", e);
    }
    return out;
  }
}
