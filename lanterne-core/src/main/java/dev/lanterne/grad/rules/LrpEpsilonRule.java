package dev.lanterne.grad.rules;

import dev.lanterne.grad.BackwardContext;
import dev.lanterne.grad.GradientRule;
import dev.lanterne.grad.GraphEmitter;
import dev.lanterne.onnx.proto.Onnx;

/**
 * LRP-epsilon at a layer z = sum_i x_i w_i (+ b): R_i = x_i w_i R_z / (z + eps sign z). With R = t * g
 * for every tensor t, that is the layer's gradient rule applied to {@code dy * z / (z + eps sign z)}
 * (sign 0 taken as +1, as Captum). eps = 1e-9, Captum's default.
 */
public final class LrpEpsilonRule implements GradientRule {
  /** Captum's {@code EpsilonRule} default. */
  public static final float EPSILON = 1e-9f;
  private final GradientRule gradient;

  /** @param gradient the layer's gradient rule */
  public LrpEpsilonRule(GradientRule gradient) {
    this.gradient = gradient;
  }

  @Override
  public String[] backward(Onnx.NodeProto node, String[] dy, BackwardContext ctx) {
    if (dy[0] == null) {
      return gradient.backward(node, dy, ctx);
    }
    GraphEmitter e = ctx.emit();
    String z = node.getOutput(0);
    String[] scaled = dy.clone();
    scaled[0] = e.mul(dy[0], e.div(z, stabilised(e, z)));
    return gradient.backward(node, scaled, ctx);
  }

  /** z + eps sign(z), sign(0) = +1: never 0. */
  static String stabilised(GraphEmitter e, String z) {
    String negative = e.mask(e.less(z, e.scalar(0f)));
    String sign = e.sub(e.scalar(1f), e.mul(negative, e.scalar(2f)));
    return e.add(z, e.mul(sign, e.scalar(EPSILON)));
  }
}
