package dev.lanterne.grad.rules;

import dev.lanterne.grad.BackwardContext;
import dev.lanterne.grad.GradientRule;
import dev.lanterne.onnx.proto.Onnx;

/** Add, and Sum of any number of inputs: dy, summed over the axes each input was broadcast along. */
public final class AddRule implements GradientRule {
  @Override
  public String[] backward(Onnx.NodeProto node, String[] dy, BackwardContext ctx) {
    String[] dx = new String[node.getInputCount()];
    for (int i = 0; i < dx.length; i++) {
      if (ctx.needs(i)) {
        dx[i] = ctx.emit().unbroadcast(dy[0], node.getOutput(0), node.getInput(i));
      }
    }
    return dx;
  }
}
