package dev.lanterne.grad.rules;

import dev.lanterne.grad.BackwardContext;
import dev.lanterne.grad.GradientRule;
import dev.lanterne.grad.GraphEmitter;
import dev.lanterne.onnx.proto.Onnx;

/** Abs: dy * sign(x) (0 at x = 0). */
public final class AbsRule implements GradientRule {
  @Override
  public String[] backward(Onnx.NodeProto node, String[] dy, BackwardContext ctx) {
    GraphEmitter e = ctx.emit();
    String x = node.getInput(0);
    String sign = e.sub(e.positive(e.op("Relu", x)), e.positive(e.op("Relu", e.neg(x))));
    return new String[] {e.mul(dy[0], sign)};
  }
}
