package dev.lanterne.grad.rules;

import dev.lanterne.grad.BackwardContext;
import dev.lanterne.grad.GradientRule;
import dev.lanterne.grad.GraphEmitter;
import dev.lanterne.onnx.Attributes;
import dev.lanterne.onnx.proto.Onnx;
import java.util.List;

/**
 * ScatterND (as exporters write indexed assignment x[idx] = u): d data is dy with the written
 * positions zeroed (kept for reduction add), d updates is dy gathered at the indices.
 */
public final class ScatterNDRule implements GradientRule {
  @Override
  public String[] backward(Onnx.NodeProto node, String[] dy, BackwardContext ctx) {
    GraphEmitter e = ctx.emit();
    String reduction = Attributes.getString(node, "reduction", "none");
    if (!reduction.equals("none") && !reduction.equals("add")) {
      throw ctx.unsupported("reduction " + reduction);
    }
    String indices = node.getInput(1);
    String updates = node.getInput(2);
    String[] dx = new String[3];
    if (ctx.needs(0)) {
      dx[0] = reduction.equals("add") ? dy[0] : e.op("ScatterND", List.of(dy[0], indices, e.zerosLike(updates)));
    }
    if (ctx.needs(2)) {
      dx[2] = e.op("GatherND", dy[0], indices);
    }
    return dx;
  }
}
