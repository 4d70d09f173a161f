package dev.lanterne.grad.rules;

import dev.lanterne.grad.BackwardContext;
import dev.lanterne.grad.GradientRule;
import dev.lanterne.grad.ProbedShapes;
import dev.lanterne.onnx.Attributes;
import dev.lanterne.onnx.proto.Onnx;

/**
 * Concat: each input's gradient is its slice of dy along the concatenation axis (one Split when several
 * inputs need one).
 */
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
    long[] sizes = new long[dx.length];
    int needed = 0;
    for (int i = 0; i < dx.length; i++) {
      sizes[i] = s.dims(node.getInput(i))[(int) axis];
      needed += ctx.needs(i) ? 1 : 0;
    }
    if (needed > 1 && ctx.opset() >= 2 && java.util.Arrays.stream(sizes).allMatch(v -> v > 0)) {
      // one Split reads dy once for all parts (a Slice per part reads it once each)
      String[] parts = ctx.opset() >= 13
          ? ctx.emit().opN("Split", java.util.List.of(dy[0], ctx.emit().ints(sizes)), dx.length,
              Attributes.ofInt("axis", axis))
          : ctx.emit().opN("Split", java.util.List.of(dy[0]), dx.length, Attributes.ofInt("axis", axis),
              Attributes.ofInts("split", sizes));
      for (int i = 0; i < dx.length; i++) {
        dx[i] = ctx.needs(i) ? parts[i] : null;
      }
      return dx;
    }
    long offset = 0;
    for (int i = 0; i < dx.length; i++) {
      long size = sizes[i];
      if (ctx.needs(i)) {
        dx[i] = ctx.emit().slice(dy[0], new long[] {offset}, new long[] {offset + size}, new long[] {axis});
      }
      offset += size;
    }
    return dx;
  }
}
