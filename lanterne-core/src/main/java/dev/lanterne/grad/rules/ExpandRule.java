package dev.lanterne.grad.rules;

import dev.lanterne.grad.BackwardContext;
import dev.lanterne.grad.GradientRule;
import dev.lanterne.onnx.proto.Onnx;

/** Expand: dy summed over the broadcast axes. */
public final class ExpandRule implements GradientRule {
  @Override
  public String[] backward(Onnx.NodeProto node, String[] dy, BackwardContext ctx) {
    String[] dx = new String[node.getInputCount()];
    dx[0] = ctx.emit().unbroadcast(dy[0], node.getOutput(0), node.getInput(0));
    return dx;
  }
}
