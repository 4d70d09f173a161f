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
    // the output y lies in [0, 1]; the slope is alpha strictly inside
    String y = node.getOutput(0);
    String inside = e.mul(e.positive(y), e.positive(e.sub(e.scalar(1f), y)));
    return new String[] {e.mul(e.mul(dy[0], e.scalar(alpha)), inside)};
  }
}
