package dev.lanterne.grad;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.lanterne.LanterneException;
import dev.lanterne.onnx.Graphs;
import dev.lanterne.onnx.TensorProtos;
import dev.lanterne.onnx.proto.Onnx;
import dev.lanterne.runtime.OrtSessions;
import dev.lanterne.runtime.RuntimeOptions;
import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
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
    Set<String> dataPath = Graphs.reachableFrom(model.getGraph(), List.of(input), Set.of("Shape", "Size"));
    byte[] bytes = exposed.toByteArray();
    RuntimeOptions opts = RuntimeOptions.DEFAULT.withThreads(0);
    OrtSession session = OrtSessions.create(bytes, opts, "the shape probe of the model");
    try {
      Map<String, Shape> one = run(session, input, chw, 1, dataPath);
      Map<String, Shape> two = dynamicBatch ? run(session, input, chw, 2, dataPath) : one;
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
        if (e.getValue().value != null) {
          shapes.putValues(e.getKey(), e.getValue().value, s2 == null ? null : s2.value);
        }
      }
      return shapes;
    } finally {
      OrtSessions.closeQuietly(session);
    }
  }

  /** Largest tensor whose value the probe keeps (values off the data path only, see {@link ShapeFolding}). */
  static final long MAX_VALUE_ELEMENTS = 1 << 20;

  private record Shape(long[] dims, int type, Onnx.TensorProto value) {}

  /** ONNX Runtime's Java enum numbers types its own way; the names match ONNX's. */
  static int onnxType(TensorInfo.OnnxTensorType t) {
    String name = t.name().substring("ONNX_TENSOR_ELEMENT_DATA_TYPE_".length());
    try {
      return Onnx.TensorProto.DataType.valueOf(name).getNumber();
    } catch (IllegalArgumentException e) {
      return 0;
    }
  }

  /** A tensor computed off the data path as an ONNX constant, or null when too big or of another type. */
  private static Onnx.TensorProto value(OnnxTensor t, long[] dims, int type) {
    return value(t, dims, type, MAX_VALUE_ELEMENTS, false);
  }

  /**
   * A tensor's value as an ONNX constant, or null when over the limit or of another type (8-bit
   * integers only when asked: shape folding must not turn a quantized activation into a constant).
   */
  static Onnx.TensorProto value(OnnxTensor t, long[] dims, int type, long limit, boolean eightBit) {
    long count = 1;
    for (long d : dims) {
      count *= d;
    }
    boolean plain = type == Onnx.TensorProto.DataType.FLOAT_VALUE || type == Onnx.TensorProto.DataType.INT64_VALUE
        || type == Onnx.TensorProto.DataType.INT32_VALUE || type == Onnx.TensorProto.DataType.BOOL_VALUE
        || type == Onnx.TensorProto.DataType.DOUBLE_VALUE || eightBit && (type == Onnx.TensorProto.DataType.UINT8_VALUE
        || type == Onnx.TensorProto.DataType.INT8_VALUE);
    if (!plain || count > limit) {
      return null;
    }
    java.nio.ByteBuffer raw = t.getByteBuffer().order(java.nio.ByteOrder.nativeOrder());
    byte[] bytes = new byte[raw.remaining()];
    raw.get(bytes);
    if (java.nio.ByteOrder.nativeOrder() != java.nio.ByteOrder.LITTLE_ENDIAN) {
      return null;
    }
    Onnx.TensorProto.Builder b = Onnx.TensorProto.newBuilder().setDataType(type)
        .setRawData(com.google.protobuf.ByteString.copyFrom(bytes));
    for (long d : dims) {
      b.addDims(d);
    }
    return b.build();
  }

  private static Map<String, Shape> run(OrtSession session, String input, long[] chw, int batch,
      Set<String> dataPath) {
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
      out.put(input, new Shape(shape, Onnx.TensorProto.DataType.FLOAT_VALUE, null));
      for (Map.Entry<String, OnnxValue> e : r) {
        if (e.getValue() instanceof OnnxTensor ot) {
          TensorInfo info = ot.getInfo();
          int type = onnxType(info.onnxType);
          Onnx.TensorProto value = dataPath.contains(e.getKey()) ? null : value(ot, info.getShape(), type);
          out.put(e.getKey(), new Shape(info.getShape(), type, value));
        }
      }
    } catch (OrtException e) {
      throw new LanterneException("ONNX Runtime cannot run the model at batch " + batch + " ("
          + OrtSessions.firstLine(e.getMessage()) + "); check that the model runs on its own", e);
    }
    return out;
  }
}
