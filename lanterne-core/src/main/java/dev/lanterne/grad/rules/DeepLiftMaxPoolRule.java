package dev.lanterne.grad.rules;

import dev.lanterne.grad.BackwardContext;
import dev.lanterne.grad.GradientRule;
import dev.lanterne.grad.GraphEmitter;
import dev.lanterne.onnx.proto.Onnx;

/**
 * DeepLift at MaxPool, as Captum's {@code maxpool} rule: with y = pool(x), y' = pool(x') and
 * m = max(y, y'), the difference y - y' is split into (m - y'), routed back through the maxima of x,
 * and (y - m), routed through the maxima of x'; their sum divided by x - x' is the multiplier (the
 * gradient where x = x'). The contributions sum to dy * (y - y') over each window, so completeness
 * holds through the pooling.
 */
public final class DeepLiftMaxPoolRule implements GradientRule {
  private final GradientRule gradient;

  /** @param gradient the MaxPool gradient rule (routes a gradient to each window's maximum) */
  public DeepLiftMaxPoolRule(GradientRule gradient) {
    this.gradient = gradient;
  }

  @Override
  public String[] backward(Onnx.NodeProto node, String[] dy, BackwardContext ctx) {
    String[] dx = gradient.backward(node, dy, ctx);
    if (!ctx.needs(0) || dy[0] == null) {
      return dx;
    }
    GraphEmitter e = ctx.emit();
    String x = node.getInput(0);
    String y = node.getOutput(0);
    String xr = ctx.reference(x);
    String yr = ctx.reference(y);
    String m = e.op("Max", y, yr);
    String[] own = dy.clone();
    own[0] = e.mul(dy[0], e.sub(m, yr));
    String viaInput = gradient.backward(node, own, ctx)[0];
    Onnx.NodeProto.Builder ref = node.toBuilder().setInput(0, xr);
    for (int i = 0; i < node.getOutputCount(); i++) {
      if (!node.getOutput(i).isEmpty()) {
        ref.setOutput(i, ctx.reference(node.getOutput(i)));
      }
    }
    String[] other = dy.clone();
    other[0] = e.mul(dy[0], e.sub(y, m));
    String viaReference = gradient.backward(ref.build(), other, ctx)[0];
    dx[0] = DeepLiftRescaleRule.blend(e, e.sub(x, xr), dx[0], e.add(viaInput, viaReference));
    return dx;
  }
}
