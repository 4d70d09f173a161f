package dev.lanterne.grad.rules;

import dev.lanterne.grad.BackwardContext;
import dev.lanterne.grad.GradientRule;
import dev.lanterne.grad.GraphEmitter;
import dev.lanterne.onnx.proto.Onnx;

/** Where(cond, a, b): dy goes to a where cond holds and to b elsewhere, each unbroadcast. */
public final class WhereRule implements GradientRule {
  @Override
  public String[] backward(Onnx.NodeProto node, String[] dy, BackwardContext ctx) {
    GraphEmitter e = ctx.emit();
    String cond = node.getInput(0);
    String y = node.getOutput(0);
    String zero = e.scalar(0f);
    String[] dx = new String[3];
    if (ctx.needs(1)) {
      dx[1] = e.unbroadcast(e.op("Where", java.util.List.of(cond, dy[0], zero)), y, node.getInput(1));
    }
    if (ctx.needs(2)) {
      dx[2] = e.unbroadcast(e.op("Where", java.util.List.of(cond, zero, dy[0])), y, node.getInput(2));
    }
    return dx;
  }
}
