package dev.lanterne.grad.rules;

import dev.lanterne.grad.BackwardContext;
import dev.lanterne.grad.GradientRule;
import dev.lanterne.onnx.proto.Onnx;

/** Cast between floating types: dy cast back to the input's type. */
public final class CastRule implements GradientRule {
  @Override
  public String[] backward(Onnx.NodeProto node, String[] dy, BackwardContext ctx) {
    String x = node.getInput(0);
    if (ctx.shapes().isFloat(x)) {
      return new String[] {dy[0]};
    }
    return new String[] {ctx.emit().castTo(dy[0], ctx.shapes().elementType(x))};
  }
}
