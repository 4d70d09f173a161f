package dev.lanterne.grad.rules;

import dev.lanterne.grad.BackwardContext;
import dev.lanterne.grad.GradientRule;
import dev.lanterne.onnx.proto.Onnx;

/** GlobalAveragePool: dy / (spatial size), broadcast over the spatial axes. */
public final class GlobalAveragePoolRule implements GradientRule {
  @Override
  public String[] backward(Onnx.NodeProto node, String[] dy, BackwardContext ctx) {
    String x = node.getInput(0);
    long[] d = ctx.shapes().dims(x);
    long spatial = 1;
    for (int i = 2; i < d.length; i++) {
      spatial *= d[i];
    }
    String scaled = ctx.emit().mul(dy[0], ctx.emit().scalar(1f / spatial));
    return new String[] {ctx.emit().expandLike(scaled, x)};
  }
}
