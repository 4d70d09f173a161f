package dev.lanterne.grad.rules;

import dev.lanterne.grad.BackwardContext;
import dev.lanterne.grad.GradientRule;
import dev.lanterne.onnx.proto.Onnx;

/** Mean of n inputs: dy / n, unbroadcast to each input. */
public final class MeanRule implements GradientRule {
  @Override
  public String[] backward(Onnx.NodeProto node, String[] dy, BackwardContext ctx) {
    String[] dx = new String[node.getInputCount()];
    String scaled = ctx.emit().mul(dy[0], ctx.emit().scalar(1f / node.getInputCount()));
    for (int i = 0; i < dx.length; i++) {
      if (ctx.needs(i)) {
        dx[i] = ctx.emit().unbroadcast(scaled, node.getOutput(0), node.getInput(i));
      }
    }
    return dx;
  }
}
