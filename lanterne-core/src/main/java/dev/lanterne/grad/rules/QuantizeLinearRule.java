package dev.lanterne.grad.rules;

import dev.lanterne.grad.BackwardContext;
import dev.lanterne.grad.GradientRule;
import dev.lanterne.grad.GraphEmitter;
import dev.lanterne.onnx.proto.Onnx;
import java.util.ArrayList;
import java.util.List;

/**
 * QuantizeLinear of an activation (its DequantizeLinear is the identity rule): the clipped
 * straight-through estimator. dy passes where the quantized value q lies strictly inside its range
 * (qmin &lt; q &lt; qmax) and is zero where q is saturated at qmin or qmax, where the deployed model's output
 * no longer follows its input. Without the clip, gradient ascent keeps pushing a class score that the
 * deployed model can no longer raise. The mask is computed from the quantized tensor itself (the
 * node's output, compared as codes), never from the float tensor entering the
 * QuantizeLinear: that tensor lives inside the int8 kernel ONNX Runtime fuses in the deployed model,
 * and reading it would stop the fusion and change the scores. (PyTorch's fake-quantize backward also
 * passes the end codes when the input is within half a step of the range; q alone cannot tell.) A
 * scale or zero point that is not a constant scalar falls back to the plain straight-through estimator.
 */
public final class QuantizeLinearRule implements GradientRule {
  @Override
  public String[] backward(Onnx.NodeProto node, String[] dy, BackwardContext ctx) {
    String[] dx = new String[node.getInputCount()];
    dx[0] = dy[0];
    dev.lanterne.grad.QuantGrid grid = ctx.grid(node);
    if (grid == null) {
      return dx;
    }
    GraphEmitter e = ctx.emit();
    String inside;
    if (grid.type() == Onnx.TensorProto.DataType.UINT8_VALUE || grid.type() == Onnx.TensorProto.DataType.INT8_VALUE) {
      // compared as codes, qmin < q < qmax: the same mask as on the dequantized values, without writing
      // them (a DequantizeLinear per activation took 30% of the QDQ MobileNetV2's backward)
      String q = node.getOutput(0);
      String lo = e.integerScalar(grid.qmin(), grid.type());
      String hi = e.integerScalar(grid.qmax(), grid.type());
      inside = e.mask(e.op("And", e.greater(q, lo), e.less(q, hi)));
    } else {
      boolean zeroGiven = node.getInputCount() > 2 && !node.getInput(2).isEmpty();
      float s = grid.scale();
      long zp = grid.zeroPoint();
      List<String> dqInputs = new ArrayList<>(List.of(node.getOutput(0), node.getInput(1)));
      if (zeroGiven) {
        dqInputs.add(node.getInput(2));
      }
      // the dequantized activation: the same values the next node reads
      String v = e.op("DequantizeLinear", dqInputs);
      // the grid values (qmin - zp) * s and (qmax - zp) * s are the saturated ones; compare half a step inside
      String lo = e.scalar((grid.qmin() - zp + 0.5f) * s);
      String hi = e.scalar((grid.qmax() - zp - 0.5f) * s);
      inside = e.mask(e.op("And", e.greater(v, lo), e.less(v, hi)));
    }
    dx[0] = e.mul(dy[0], inside);
    return dx;
  }
}
