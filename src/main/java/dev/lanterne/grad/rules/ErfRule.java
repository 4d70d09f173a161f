package dev.lanterne.grad.rules;

import dev.lanterne.grad.BackwardContext;
import dev.lanterne.grad.GradientRule;
import dev.lanterne.grad.GraphEmitter;
import dev.lanterne.onnx.proto.Onnx;

/** Erf: dy * 2/sqrt(pi) * exp(-x^2). */
public final class ErfRule implements GradientRule {
  @Override
  public String[] backward(Onnx.NodeProto node, String[] dy, BackwardContext ctx) {
    GraphEmitter e = ctx.emit();
    String x = node.getInput(0);
    String y = node.getOutput(0);
    String g = dy[0];
    return new String[] {e.mul(e.mul(g, e.scalar((float) (2 / Math.sqrt(Math.PI)))), e.op("Exp", e.neg(e.mul(x, x))))};
  }
}
