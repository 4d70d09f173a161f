package dev.lanterne.grad.rules;

import dev.lanterne.grad.BackwardContext;
import dev.lanterne.grad.GradientRule;
import dev.lanterne.grad.ProbedShapes;
import dev.lanterne.onnx.Attributes;
import dev.lanterne.onnx.proto.Onnx;

/** Concat: each input's gradient is its slice of dy along the concatenation axis. */
public final class ConcatRule implements GradientRule {
  @Override
  public String[] backward(Onnx.NodeProto node, String[] dy, BackwardContext ctx) {
    ProbedShapes s = ctx.shapes();
    String y = node.getOutput(0);
    long axis = BackwardContext.axis(Attributes.getInt(node, "axis", 1), s.rank(y));
    if (s.followsBatch(y)[(int) axis]) {
      throw ctx.unsupported("concatenation along the batch axis");
    }
    String[] dx = new String[node.getInputCount()];
    long offset = 0;
    for (int i = 0; i < dx.length; i++) {
      long size = s.dims(node.getInput(i))[(int) axis];
      if (ctx.needs(i)) {
        dx[i] = ctx.emit().slice(dy[0], new long[] {offset}, new long[] {offset + size}, new long[] {axis});
      }
      offset += size;
    }
    return dx;
  }
}
