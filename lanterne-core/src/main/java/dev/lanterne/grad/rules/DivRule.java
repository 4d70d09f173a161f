package dev.lanterne.grad.rules;

import dev.lanterne.grad.BackwardContext;
import dev.lanterne.grad.GradientRule;
import dev.lanterne.grad.GraphEmitter;
import dev.lanterne.onnx.proto.Onnx;

/** Div y = a / b: dy / b and -dy * y / b, unbroadcast. */
public final class DivRule implements GradientRule {
  @Override
  public String[] backward(Onnx.NodeProto node, String[] dy, BackwardContext ctx) {
    GraphEmitter e = ctx.emit();
    String a = node.getInput(0);
    String b = node.getInput(1);
    String y = node.getOutput(0);
    String[] dx = new String[2];
    String overB = e.div(dy[0], b);
    if (ctx.needs(0)) {
      dx[0] = e.unbroadcast(overB, y, a);
    }
    if (ctx.needs(1)) {
      // negated after the sum over broadcast axes (the same values; Neg on the smaller tensor)
      dx[1] = e.neg(e.unbroadcast(e.mul(overB, y), y, b));
    }
    return dx;
  }
}
