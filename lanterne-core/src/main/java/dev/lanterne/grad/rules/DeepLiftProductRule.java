package dev.lanterne.grad.rules;

import dev.lanterne.grad.BackwardContext;
import dev.lanterne.grad.GradientRule;
import dev.lanterne.grad.GraphEmitter;
import dev.lanterne.onnx.proto.Onnx;

/**
 * DeepLift at the product of two activations, z = a * b (squeeze-and-excitation gates, HardSwish
 * written as x * HardSigmoid(x)): since {@code a b - a' b' = (a - a')(b + b')/2 + (b - b')(a + a')/2}
 * exactly, the multipliers are {@code dy * (b + b')/2} for a and {@code dy * (a + a')/2} for b
 * (unbroadcast), and completeness holds through the product (the averaged split of Ancona et al. and
 * DeepSHAP's product rule). A product with a constant keeps its gradient, which is already exact.
 */
public final class DeepLiftProductRule implements GradientRule {
  private final GradientRule gradient;

  /** @param gradient the Mul gradient rule (used when only one factor depends on the input) */
  public DeepLiftProductRule(GradientRule gradient) {
    this.gradient = gradient;
  }

  @Override
  public String[] backward(Onnx.NodeProto node, String[] dy, BackwardContext ctx) {
    if (!ctx.needs(0) || !ctx.needs(1) || dy[0] == null) {
      return gradient.backward(node, dy, ctx);
    }
    GraphEmitter e = ctx.emit();
    String a = node.getInput(0);
    String b = node.getInput(1);
    String y = node.getOutput(0);
    String half = e.scalar(0.5f);
    String[] dx = new String[2];
    dx[0] = e.unbroadcast(e.mul(dy[0], e.mul(e.add(b, ctx.reference(b)), half)), y, a);
    dx[1] = e.unbroadcast(e.mul(dy[0], e.mul(e.add(a, ctx.reference(a)), half)), y, b);
    return dx;
  }
}
