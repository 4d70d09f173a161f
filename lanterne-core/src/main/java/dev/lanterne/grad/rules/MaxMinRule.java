package dev.lanterne.grad.rules;

import dev.lanterne.grad.BackwardContext;
import dev.lanterne.grad.GradientRule;
import dev.lanterne.grad.GraphEmitter;
import dev.lanterne.onnx.proto.Onnx;

/**
 * Elementwise Max or Min of two inputs: dy goes to the input that was selected (the first one on
 * ties), unbroadcast.
 */
public final class MaxMinRule implements GradientRule {
  private final boolean max;

  /** The rule of Max ({@code max} true) or Min. */
  public MaxMinRule(boolean max) {
    this.max = max;
  }

  @Override
  public String[] backward(Onnx.NodeProto node, String[] dy, BackwardContext ctx) {
    if (node.getInputCount() != 2) {
      throw ctx.unsupported(node.getInputCount() + " inputs (only 2 are supported)");
    }
    GraphEmitter e = ctx.emit();
    String a = node.getInput(0);
    String b = node.getInput(1);
    String y = node.getOutput(0);
    // the second input wins only where it is strictly better than the first
    String secondWins = e.positive(e.op("Relu", max ? e.sub(b, a) : e.sub(a, b)));
    String toSecond = e.mul(dy[0], secondWins);
    String[] dx = new String[2];
    if (ctx.needs(0)) {
      dx[0] = e.unbroadcast(e.sub(dy[0], toSecond), y, a);
    }
    if (ctx.needs(1)) {
      dx[1] = e.unbroadcast(toSecond, y, b);
    }
    return dx;
  }
}
