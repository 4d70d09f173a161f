package dev.lanterne.onnx;

import dev.lanterne.onnx.proto.Onnx;
import dev.lanterne.onnx.proto.Onnx.TensorProto.DataType;
import java.util.Map;

/**
 * Folds quantized constants into float32 initializers: a DequantizeLinear (or QuantizeLinear) whose
 * inputs are all constants is evaluated once and replaced by its result. Per-tensor and per-axis
 * scales and zero points are supported. Activation QuantizeLinear→DequantizeLinear pairs are kept,
 * so the model computes exactly what the deployed quantized model computes.
 */
public final class QdqFolding {
  private QdqFolding() {}

  /**
   * A copy of the model with its constant (De)QuantizeLinear nodes replaced by float initializers and the
   * constants they no longer use removed; the input model is not changed.
   */
  public static Onnx.ModelProto apply(Onnx.ModelProto model) {
    Onnx.GraphProto g = model.getGraph();
    Map<String, Onnx.TensorProto> constants = Graphs.constants(g);
    Onnx.GraphProto.Builder b = g.toBuilder().clearNode();
    for (Onnx.NodeProto n : g.getNodeList()) {
      Onnx.TensorProto value = fold(n, constants);
      if (value == null) {
        b.addNode(n);
      } else {
        constants.put(value.getName(), value);
        b.addInitializer(value);
      }
    }
    return model.toBuilder().setGraph(Graphs.pruneUnused(b.build())).build();
  }

  /** Whether a node is a QuantizeLinear or DequantizeLinear of the default domain. */
  public static boolean isQuantizeOrDequantize(Onnx.NodeProto n) {
    boolean defaultDomain = n.getDomain().isEmpty() || n.getDomain().equals("ai.onnx");
    return defaultDomain && (n.getOpType().equals("QuantizeLinear") || n.getOpType().equals("DequantizeLinear"));
  }

  /**
   * The value of a QuantizeLinear or DequantizeLinear node whose inputs are all constants (named
   * after its output), computed as ONNX Runtime does; null for any other node.
   */
  public static Onnx.TensorProto evaluate(Onnx.NodeProto n, Map<String, Onnx.TensorProto> constants) {
    return fold(n, constants);
  }

  /** The node's constant result, or null when it is not a foldable Q/DQ of constants. */
  private static Onnx.TensorProto fold(Onnx.NodeProto n, Map<String, Onnx.TensorProto> constants) {
    if (!isQuantizeOrDequantize(n) || n.getOutputCount() != 1 || n.getInputCount() < 2
        || Attributes.getInt(n, "block_size", 0) != 0) {
      return null;
    }
    Onnx.TensorProto x = constants.get(n.getInput(0));
    Onnx.TensorProto scale = constants.get(n.getInput(1));
    boolean hasZeroPoint = n.getInputCount() > 2 && !n.getInput(2).isEmpty();
    Onnx.TensorProto zeroPoint = hasZeroPoint ? constants.get(n.getInput(2)) : null;
    if (x == null || scale == null || (hasZeroPoint && zeroPoint == null)
        || scale.getDataType() != DataType.FLOAT_VALUE) {
      return null;
    }
    Channels channels = Channels.of(x, scale, zeroPoint, Attributes.getInt(n, "axis", 1));
    if (channels == null) {
      return null;
    }
    String name = n.getOutput(0);
    if (n.getOpType().equals("DequantizeLinear")) {
      return isInteger(x.getDataType()) ? dequantize(name, x, channels) : null;
    }
    int type = hasZeroPoint ? zeroPoint.getDataType()
        : (int) Attributes.getInt(n, "output_dtype", DataType.UINT8_VALUE);
    return x.getDataType() == DataType.FLOAT_VALUE && isInteger(type) ? quantize(name, x, channels, type) : null;
  }

  private static Onnx.TensorProto dequantize(String name, Onnx.TensorProto x, Channels ch) {
    long[] q = TensorProtos.toLongs(x);
    float[] y = new float[q.length];
    for (int i = 0; i < q.length; i++) {
      int c = ch.index(i);
      // as ONNX Runtime: subtract in integers, convert, then scale in float32
      y[i] = (float) (q[i] - ch.zeroPoint[c]) * ch.scale[c];
    }
    return TensorProtos.ofFloats(name, TensorProtos.dims(x), y);
  }

  private static Onnx.TensorProto quantize(String name, Onnx.TensorProto x, Channels ch, int type) {
    float[] v = TensorProtos.toFloats(x);
    long[] q = new long[v.length];
    long lo = minValue(type);
    long hi = maxValue(type);
    for (int i = 0; i < v.length; i++) {
      int c = ch.index(i);
      float ratio = v[i] / ch.scale[c];
      // round half to even, as the ONNX specification says
      q[i] = Math.max(lo, Math.min(hi, (long) Math.rint(ratio) + ch.zeroPoint[c]));
    }
    return TensorProtos.ofIntegers(name, TensorProtos.dims(x), q, type);
  }

  private static boolean isInteger(int type) {
    return type == DataType.UINT8_VALUE || type == DataType.INT8_VALUE || type == DataType.INT16_VALUE
        || type == DataType.UINT16_VALUE || type == DataType.INT32_VALUE;
  }

  private static long minValue(int type) {
    return switch (type) {
      case DataType.INT8_VALUE -> Byte.MIN_VALUE;
      case DataType.INT16_VALUE -> Short.MIN_VALUE;
      case DataType.INT32_VALUE -> Integer.MIN_VALUE;
      default -> 0;
    };
  }

  private static long maxValue(int type) {
    return switch (type) {
      case DataType.INT8_VALUE -> Byte.MAX_VALUE;
      case DataType.UINT8_VALUE -> 255;
      case DataType.INT16_VALUE -> Short.MAX_VALUE;
      case DataType.UINT16_VALUE -> 65535;
      default -> Integer.MAX_VALUE;
    };
  }

  /** Scale and zero point per element: one pair for the whole tensor, or one per slice along axis. */
  private record Channels(float[] scale, long[] zeroPoint, int inner, int count) {
    static Channels of(Onnx.TensorProto x, Onnx.TensorProto scale, Onnx.TensorProto zeroPoint, long axis) {
      float[] s = TensorProtos.toFloats(scale);
      long[] z = zeroPoint == null ? new long[s.length] : TensorProtos.toLongs(zeroPoint);
      if (z.length != s.length) {
        return null;
      }
      if (s.length == 1) {
        return new Channels(s, z, 1, 1);
      }
      long[] dims = TensorProtos.dims(x);
      int a = (int) (axis < 0 ? axis + dims.length : axis);
      if (scale.getDimsCount() != 1 || a < 0 || a >= dims.length || dims[a] != s.length) {
        return null;
      }
      long inner = 1;
      for (int d = a + 1; d < dims.length; d++) {
        inner *= dims[d];
      }
      return new Channels(s, z, Math.toIntExact(inner), s.length);
    }

    int index(int element) {
      return count == 1 ? 0 : (element / inner) % count;
    }
  }
}
