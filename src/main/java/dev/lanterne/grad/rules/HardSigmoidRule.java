package dev.lanterne.grad.rules;

import dev.lanterne.grad.BackwardContext;
import dev.lanterne.grad.GradientRule;
import dev.lanterne.grad.GraphEmitter;
import dev.lanterne.onnx.Attributes;
import dev.lanterne.onnx.proto.Onnx;

/** HardSigmoid y = max(0, min(1, alpha x + beta)): dy * alpha where 0 < alpha x + beta < 1. */
public final class HardSigmoidRule implements GradientRule {
  @Override
  public String[] backward(Onnx.NodeProto node, String[] dy, BackwardContext ctx) {
    GraphEmitter e = ctx.emit();
    float alpha = Attributes.getFloat(node, "alpha", 0.2f);
    float beta = Attributes.getFloat(node, "beta", 0.5f);
    String v = e.add(e.mul(node.getInput(0), e.scalar(alpha)), e.scalar(beta));
    String inside = e.op("And", e.greater(v, e.scalar(0f)), e.less(v, e.scalar(1f)));
    return new String[] {e.mul(e.mul(dy[0], e.scalar(alpha)), e.mask(inside))};
  }
}
