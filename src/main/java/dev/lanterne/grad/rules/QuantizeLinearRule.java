package dev.lanterne.grad.rules;

import dev.lanterne.grad.BackwardContext;
import dev.lanterne.grad.GradientRule;
import dev.lanterne.grad.GraphEmitter;
import dev.lanterne.onnx.TensorProtos;
import dev.lanterne.onnx.proto.Onnx;

/**
 * QuantizeLinear of an activation (its DequantizeLinear is the identity rule): the clipped
 * straight-through estimator, as PyTorch's fake-quantize backward. dy passes where x lies in the
 * representable range [(qmin - zp - 1/2) * scale, (qmax - zp + 1/2) * scale] and is zero outside,
 * where the quantized value is saturated. Without the clip, gradient ascent keeps pushing a class
 * score that the deployed model can no longer raise. A scale or zero point that is not a constant
 * scalar falls back to the plain straight-through estimator.
 */
public final class QuantizeLinearRule implements GradientRule {
  @Override
  public String[] backward(Onnx.NodeProto node, String[] dy, BackwardContext ctx) {
    String[] dx = new String[node.getInputCount()];
    dx[0] = dy[0];
    Onnx.TensorProto scale = ctx.constant(node.getInput(1));
    Onnx.TensorProto zero = node.getInputCount() > 2 ? ctx.constant(node.getInput(2)) : null;
    boolean zeroGiven = node.getInputCount() > 2 && !node.getInput(2).isEmpty();
    if (scale == null || TensorProtos.count(scale) != 1 || (zeroGiven && (zero == null || TensorProtos.count(zero) != 1))) {
      return dx;
    }
    float s = TensorProtos.toFloats(scale)[0];
    long zp = zero == null ? 0 : TensorProtos.toLongs(zero)[0];
    int type = zero == null ? Onnx.TensorProto.DataType.UINT8_VALUE : zero.getDataType();
    long qmin;
    long qmax;
    switch (type) {
      case Onnx.TensorProto.DataType.UINT8_VALUE -> {
        qmin = 0;
        qmax = 255;
      }
      case Onnx.TensorProto.DataType.INT8_VALUE -> {
        qmin = -128;
        qmax = 127;
      }
      case Onnx.TensorProto.DataType.UINT16_VALUE -> {
        qmin = 0;
        qmax = 65535;
      }
      case Onnx.TensorProto.DataType.INT16_VALUE -> {
        qmin = -32768;
        qmax = 32767;
      }
      default -> {
        return dx;
      }
    }
    GraphEmitter e = ctx.emit();
    String x = node.getInput(0);
    String lo = e.scalar((qmin - zp - 0.5f) * s);
    String hi = e.scalar((qmax - zp + 0.5f) * s);
    String inside = e.mul(e.positive(e.op("Relu", e.sub(x, lo))), e.positive(e.op("Relu", e.sub(hi, x))));
    dx[0] = e.mul(dy[0], inside);
    return dx;
  }
}
