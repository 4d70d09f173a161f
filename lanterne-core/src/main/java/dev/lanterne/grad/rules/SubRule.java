package dev.lanterne.grad.rules;

import dev.lanterne.grad.BackwardContext;
import dev.lanterne.grad.GradientRule;
import dev.lanterne.onnx.proto.Onnx;

/** Sub: dy and -dy, unbroadcast. */
public final class SubRule implements GradientRule {
  @Override
  public String[] backward(Onnx.NodeProto node, String[] dy, BackwardContext ctx) {
    String[] dx = new String[2];
    String y = node.getOutput(0);
    if (ctx.needs(0)) {
      dx[0] = ctx.emit().unbroadcast(dy[0], y, node.getInput(0));
    }
    if (ctx.needs(1)) {
      // negated after the sum over broadcast axes: the same values, and Neg runs on the smaller tensor
      dx[1] = ctx.emit().neg(ctx.emit().unbroadcast(dy[0], y, node.getInput(1)));
    }
    return dx;
  }
}
