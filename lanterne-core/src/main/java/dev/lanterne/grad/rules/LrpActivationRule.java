package dev.lanterne.grad.rules;

import dev.lanterne.grad.BackwardContext;
import dev.lanterne.grad.GradientRule;
import dev.lanterne.grad.GraphEmitter;
import dev.lanterne.onnx.proto.Onnx;

/**
 * LRP at an element-wise activation y = f(x): relevance passes unchanged (R_x = R_y, as Captum's
 * activation rule), so with R = t * g: {@code g_x = g_y * y / x} (0 where x = 0). Bounds and other
 * constant inputs get none.
 */
public final class LrpActivationRule implements GradientRule {
  @Override
  public String[] backward(Onnx.NodeProto node, String[] dy, BackwardContext ctx) {
    String[] dx = new String[node.getInputCount()];
    if (!ctx.needs(0) || dy[0] == null) {
      return dx;
    }
    if (node.getInputCount() > 1 && (ctx.needs(1) || ctx.needs(2))) {
      throw ctx.unsupported("bounds that depend on the input");
    }
    GraphEmitter e = ctx.emit();
    String x = node.getInput(0);
    String y = node.getOutput(0);
    String zero = e.mask(e.less(e.op("Abs", x), e.scalar(Float.MIN_NORMAL)));
    String ratio = e.mul(e.div(y, e.add(x, zero)), e.sub(e.scalar(1f), zero));
    dx[0] = e.mul(dy[0], ratio);
    return dx;
  }
}
