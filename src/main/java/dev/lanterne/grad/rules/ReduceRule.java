package dev.lanterne.grad.rules;

import dev.lanterne.grad.BackwardContext;
import dev.lanterne.grad.GradientRule;
import dev.lanterne.grad.GraphEmitter;
import dev.lanterne.onnx.Attributes;
import dev.lanterne.onnx.proto.Onnx;
import java.util.Arrays;

/**
 * ReduceSum and ReduceMean: dy (with the reduced axes restored when keepdims=0), divided by the
 * reduced count for a mean, broadcast back to the input. Axes are an attribute before opset 13
 * (ReduceSum) or 18 (ReduceMean), an input after.
 */
public final class ReduceRule implements GradientRule {
  private final boolean mean;

  public ReduceRule(boolean mean) {
    this.mean = mean;
  }

  @Override
  public String[] backward(Onnx.NodeProto node, String[] dy, BackwardContext ctx) {
    GraphEmitter e = ctx.emit();
    String x = node.getInput(0);
    long[] dims = ctx.shapes().dims(x);
    boolean[] batch = ctx.shapes().followsBatch(x);
    int rank = dims.length;
    long[] axes = ctx.intsAttrOrInput("axes", mean ? 18 : 13, 1);
    String[] dx = new String[node.getInputCount()];
    if (axes == null || axes.length == 0) {
      if (Attributes.getInt(node, "noop_with_empty_axes", 0) != 0) {
        dx[0] = dy[0];
        return dx;
      }
      axes = new long[rank];
      for (int i = 0; i < rank; i++) {
        axes[i] = i;
      }
    }
    axes = Arrays.stream(axes).map(a -> BackwardContext.axis(a, rank)).sorted().toArray();
    String g = dy[0];
    if (Attributes.getInt(node, "keepdims", 1) == 0) {
      g = e.unsqueeze(g, axes);
    }
    if (mean) {
      long count = 1;
      for (long a : axes) {
        if (batch[(int) a]) {
          throw ctx.unsupported("a mean over the batch axis");
        }
        count *= dims[(int) a];
      }
      g = e.mul(g, e.scalar(1f / count));
    }
    dx[0] = e.expandLike(g, x);
    return dx;
  }
}
