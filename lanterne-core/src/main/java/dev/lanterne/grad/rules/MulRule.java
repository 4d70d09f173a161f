package dev.lanterne.grad.rules;

import dev.lanterne.grad.BackwardContext;
import dev.lanterne.grad.GradientRule;
import dev.lanterne.grad.GraphEmitter;
import dev.lanterne.onnx.proto.Onnx;

/** Mul: dy * b and dy * a, unbroadcast. */
public final class MulRule implements GradientRule {
  @Override
  public String[] backward(Onnx.NodeProto node, String[] dy, BackwardContext ctx) {
    GraphEmitter e = ctx.emit();
    String a = node.getInput(0);
    String b = node.getInput(1);
    String y = node.getOutput(0);
    String[] dx = new String[2];
    if (ctx.needs(0)) {
      dx[0] = e.unbroadcast(e.mul(dy[0], b), y, a);
    }
    if (ctx.needs(1)) {
      dx[1] = e.unbroadcast(e.mul(dy[0], a), y, b);
    }
    return dx;
  }
}
