package dev.lanterne.grad.rules;

import dev.lanterne.grad.BackwardContext;
import dev.lanterne.grad.GradientRule;
import dev.lanterne.grad.GraphEmitter;
import dev.lanterne.onnx.Attributes;
import dev.lanterne.onnx.proto.Onnx;

/**
 * Softmax and LogSoftmax over the normalised axes (before opset 13 all axes from `axis` on, from 13
 * the single axis): softmax dx = y (dy - sum(dy y)); log-softmax dx = dy - exp(y) sum(dy).
 */
public final class SoftmaxRule implements GradientRule {
  private final boolean log;

  /** The rule of LogSoftmax ({@code log} true) or Softmax. */
  public SoftmaxRule(boolean log) {
    this.log = log;
  }

  @Override
  public String[] backward(Onnx.NodeProto node, String[] dy, BackwardContext ctx) {
    GraphEmitter e = ctx.emit();
    String y = node.getOutput(0);
    int rank = ctx.shapes().rank(y);
    long[] axes = axes(node, ctx.opset(), rank);
    String g = dy[0];
    if (log) {
      return new String[] {e.sub(g, e.mul(e.op("Exp", y), e.reduceSum(g, axes, true)))};
    }
    return new String[] {e.mul(y, e.sub(g, e.reduceSum(e.mul(g, y), axes, true)))};
  }

  static long[] axes(Onnx.NodeProto node, int opset, int rank) {
    long axis = BackwardContext.axis(Attributes.getInt(node, "axis", opset >= 13 ? -1 : 1), rank);
    if (opset >= 13) {
      return new long[] {axis};
    }
    long[] axes = new long[(int) (rank - axis)];
    for (int i = 0; i < axes.length; i++) {
      axes[i] = axis + i;
    }
    return axes;
  }
}
