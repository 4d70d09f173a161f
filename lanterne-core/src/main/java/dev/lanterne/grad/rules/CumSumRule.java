package dev.lanterne.grad.rules;

import dev.lanterne.grad.BackwardContext;
import dev.lanterne.grad.GradientRule;
import dev.lanterne.onnx.Attributes;
import dev.lanterne.onnx.proto.Onnx;
import java.util.List;

/** CumSum: the cumulative sum of dy in the other direction (same exclusive flag). */
public final class CumSumRule implements GradientRule {
  @Override
  public String[] backward(Onnx.NodeProto node, String[] dy, BackwardContext ctx) {
    if (ctx.needs(1)) {
      throw ctx.unsupported("an axis that depends on the input");
    }
    long reverse = Attributes.getInt(node, "reverse", 0);
    String[] dx = new String[node.getInputCount()];
    dx[0] = ctx.emit().op("CumSum", List.of(dy[0], node.getInput(1)),
        Attributes.ofInt("exclusive", Attributes.getInt(node, "exclusive", 0)), Attributes.ofInt("reverse", 1 - reverse));
    return dx;
  }
}
