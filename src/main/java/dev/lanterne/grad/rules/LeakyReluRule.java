package dev.lanterne.grad.rules;

import dev.lanterne.grad.BackwardContext;
import dev.lanterne.grad.GradientRule;
import dev.lanterne.grad.GraphEmitter;
import dev.lanterne.onnx.Attributes;
import dev.lanterne.onnx.proto.Onnx;

/** LeakyRelu: dy where x > 0, alpha * dy elsewhere. */
public final class LeakyReluRule implements GradientRule {
  @Override
  public String[] backward(Onnx.NodeProto node, String[] dy, BackwardContext ctx) {
    GraphEmitter e = ctx.emit();
    float alpha = Attributes.getFloat(node, "alpha", 0.01f);
    String positive = e.mask(e.greater(node.getInput(0), e.scalar(0f)));
    String slope = e.add(e.mul(positive, e.scalar(1f - alpha)), e.scalar(alpha));
    return new String[] {e.mul(dy[0], slope)};
  }
}
