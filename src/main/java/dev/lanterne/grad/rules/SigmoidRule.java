package dev.lanterne.grad.rules;

import dev.lanterne.grad.BackwardContext;
import dev.lanterne.grad.GradientRule;
import dev.lanterne.grad.GraphEmitter;
import dev.lanterne.onnx.proto.Onnx;

/** Sigmoid: dy * y * (1 - y). */
public final class SigmoidRule implements GradientRule {
  @Override
  public String[] backward(Onnx.NodeProto node, String[] dy, BackwardContext ctx) {
    GraphEmitter e = ctx.emit();
    String x = node.getInput(0);
    String y = node.getOutput(0);
    String g = dy[0];
    return new String[] {e.mul(e.mul(g, y), e.sub(e.scalar(1f), y))};
  }
}
