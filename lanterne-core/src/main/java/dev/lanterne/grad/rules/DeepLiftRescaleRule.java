package dev.lanterne.grad.rules;

import dev.lanterne.grad.BackwardContext;
import dev.lanterne.grad.GradientRule;
import dev.lanterne.grad.GraphEmitter;
import dev.lanterne.onnx.proto.Onnx;

/**
 * DeepLift's rescale rule at a single-input element-wise nonlinearity y = f(x): the multiplier is
 * {@code dy * (f(x) - f(x')) / (x - x')} against the reference pass x' (Shrikumar et al. 2017, as
 * Captum's {@code nonlinear}); where |x - x'| is below 1e-10 (Captum's eps) the gradient is used.
 */
public final class DeepLiftRescaleRule implements GradientRule {
  /** Captum's threshold below which the gradient replaces the finite-difference ratio. */
  static final float EPS = 1e-10f;
  private final GradientRule gradient;

  /** @param gradient the operator's gradient rule (used where x = x') */
  public DeepLiftRescaleRule(GradientRule gradient) {
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
    String deltaIn = e.sub(x, ctx.reference(x));
    String deltaOut = e.sub(y, ctx.reference(y));
    dx[0] = blend(e, deltaIn, dx[0], e.mul(dy[0], deltaOut));
    return dx;
  }

  /**
   * {@code contribution / deltaIn} where |deltaIn| &gt;= eps, else {@code fallback}: the multiplier whose
   * product with deltaIn gives back the contribution.
   */
  static String blend(GraphEmitter e, String deltaIn, String fallback, String contribution) {
    String small = e.mask(e.less(e.op("Abs", deltaIn), e.scalar(EPS)));
    String ratio = e.div(contribution, e.add(deltaIn, small));
    return e.add(e.mul(small, fallback), e.mul(e.sub(e.scalar(1f), small), ratio));
  }
}
