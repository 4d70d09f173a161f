package dev.lanterne.grad.rules;

import dev.lanterne.grad.BackwardContext;
import dev.lanterne.grad.GradientRule;
import dev.lanterne.onnx.proto.Onnx;

/** GlobalMaxPool: a ReduceMax over the spatial axes with dims kept (see {@link ReduceRule}). */
public final class GlobalMaxPoolRule implements GradientRule {
  @Override
  public String[] backward(Onnx.NodeProto node, String[] dy, BackwardContext ctx) {
    int rank = ctx.shapes().rank(node.getInput(0));
    long[] axes = new long[rank - 2];
    for (int i = 0; i < axes.length; i++) {
      axes[i] = i + 2;
    }
    String[] dx = new String[1];
    dx[0] = ReduceRule.extremum(ctx.emit(), node.getInput(0), node.getOutput(0), dy[0], axes);
    return dx;
  }
}
