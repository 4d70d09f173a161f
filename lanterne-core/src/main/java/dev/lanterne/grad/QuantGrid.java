package dev.lanterne.grad;

import dev.lanterne.onnx.Attributes;
import dev.lanterne.onnx.TensorProtos;
import dev.lanterne.onnx.proto.Onnx;
import java.util.Map;

/**
 * The grid of a per-tensor QuantizeLinear or DequantizeLinear with a constant scalar scale and zero
 * point: the codes qmin..qmax of its integer type and the float values (q - zeroPoint) * scale they
 * stand for. Lets the compiler see that two nodes quantize to the same grid, and that a Clip of a
 * dequantized tensor keeps every value it can hold (the deployed ReLU6 of a QDQ model, whose
 * activation grid is exactly [0, 6]).
 */
public record QuantGrid(float scale, long zeroPoint, int type, long qmin, long qmax) {
  /** The grid of a Q or DQ node, or null when its scale or zero point is not a constant scalar. */
  public static QuantGrid of(Onnx.NodeProto n, Map<String, Onnx.TensorProto> constants) {
    Onnx.TensorProto scale = n.getInputCount() > 1 ? constants.get(n.getInput(1)) : null;
    boolean zeroGiven = n.getInputCount() > 2 && !n.getInput(2).isEmpty();
    Onnx.TensorProto zero = zeroGiven ? constants.get(n.getInput(2)) : null;
    if (scale == null || TensorProtos.count(scale) != 1 || scale.getDataType() != Onnx.TensorProto.DataType.FLOAT_VALUE
        || (zeroGiven && (zero == null || TensorProtos.count(zero) != 1))) {
      return null;
    }
    int type = zero == null ? Onnx.TensorProto.DataType.UINT8_VALUE : zero.getDataType();
    long zp = zero == null ? 0 : TensorProtos.toLongs(zero)[0];
    float s = TensorProtos.toFloats(scale)[0];
    return switch (type) {
      case Onnx.TensorProto.DataType.UINT8_VALUE -> new QuantGrid(s, zp, type, 0, 255);
      case Onnx.TensorProto.DataType.INT8_VALUE -> new QuantGrid(s, zp, type, -128, 127);
      case Onnx.TensorProto.DataType.UINT16_VALUE -> new QuantGrid(s, zp, type, 0, 65535);
      case Onnx.TensorProto.DataType.INT16_VALUE -> new QuantGrid(s, zp, type, -32768, 32767);
      default -> null;
    };
  }

  /** The smallest value a dequantized tensor on this grid holds (as DequantizeLinear computes it). */
  public float lowest() {
    return (float) (qmin - zeroPoint) * scale;
  }

  /** The largest value a dequantized tensor on this grid holds. */
  public float highest() {
    return (float) (qmax - zeroPoint) * scale;
  }

  /** Whether n is a default-domain node of the given type. */
  static boolean is(Onnx.NodeProto n, String type) {
    return n != null && n.getOpType().equals(type) && (n.getDomain().isEmpty() || n.getDomain().equals("ai.onnx"));
  }

  /**
   * The grid of tensor t when it is DequantizeLinear(q) of a tensor q computed by a QuantizeLinear on
   * the same grid (an activation of a QDQ model), else null. Such a tensor carries the clipped
   * straight-through mask of that QuantizeLinear, which is zero at both end codes.
   */
  public static QuantGrid ofQuantizedActivation(String t, Map<String, Onnx.NodeProto> producers,
      Map<String, Onnx.TensorProto> constants) {
    Onnx.NodeProto dq = producers.get(t);
    if (!is(dq, "DequantizeLinear")) {
      return null;
    }
    QuantGrid grid = of(dq, constants);
    Onnx.NodeProto q = producers.get(dq.getInput(0));
    return grid != null && is(q, "QuantizeLinear") && grid.equals(of(q, constants)) ? grid : null;
  }

  /**
   * Whether a Clip node returns its input unchanged for every value of a dequantized input on this
   * grid (lowest and highest within its bounds). Bounds are inputs from opset 11, attributes before.
   */
  public boolean keptBy(Onnx.NodeProto clip, Map<String, Onnx.TensorProto> constants) {
    float lo = Float.NEGATIVE_INFINITY;
    float hi = Float.POSITIVE_INFINITY;
    if (clip.getInputCount() > 1 || Attributes.has(clip, "min") || Attributes.has(clip, "max")) {
      if (Attributes.has(clip, "min")) {
        lo = Attributes.getFloat(clip, "min", lo);
      }
      if (Attributes.has(clip, "max")) {
        hi = Attributes.getFloat(clip, "max", hi);
      }
      for (int i = 1; i < Math.min(3, clip.getInputCount()); i++) {
        if (clip.getInput(i).isEmpty()) {
          continue;
        }
        Onnx.TensorProto b = constants.get(clip.getInput(i));
        if (b == null || TensorProtos.count(b) != 1) {
          return false;
        }
        float v = TensorProtos.toFloats(b)[0];
        if (i == 1) {
          lo = v;
        } else {
          hi = v;
        }
      }
    }
    return lo <= lowest() && highest() <= hi;
  }
}
