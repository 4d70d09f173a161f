package dev.lanterne.grad.rules;

import dev.lanterne.grad.BackwardContext;
import dev.lanterne.grad.GradientRule;
import dev.lanterne.onnx.Attributes;
import dev.lanterne.onnx.proto.Onnx;
import java.util.ArrayList;
import java.util.List;

/** Split: the output gradients concatenated back, with zeros for outputs no gradient reached. */
public final class SplitRule implements GradientRule {
  @Override
  public String[] backward(Onnx.NodeProto node, String[] dy, BackwardContext ctx) {
    int rank = ctx.shapes().rank(node.getInput(0));
    long axis = BackwardContext.axis(Attributes.getInt(node, "axis", 0), rank);
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < node.getOutputCount(); i++) {
      parts.add(dy[i] != null ? dy[i] : ctx.emit().zerosLike(node.getOutput(i)));
    }
    String[] dx = new String[node.getInputCount()];
    dx[0] = ctx.emit().op("Concat", parts, Attributes.ofInt("axis", axis));
    return dx;
  }
}
