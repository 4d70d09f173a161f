package dev.lanterne.grad.rules;

import dev.lanterne.grad.BackwardContext;
import dev.lanterne.grad.GradientRule;
import dev.lanterne.grad.GraphEmitter;
import dev.lanterne.onnx.Attributes;
import dev.lanterne.onnx.proto.Onnx;

/** Clip: dy where min < x < max; bounds are attributes before opset 11 and optional inputs after. */
public final class ClipRule implements GradientRule {
  @Override
  public String[] backward(Onnx.NodeProto node, String[] dy, BackwardContext ctx) {
    GraphEmitter e = ctx.emit();
    String lo;
    String hi;
    if (ctx.opset() >= 11) {
      lo = node.getInputCount() > 1 && !node.getInput(1).isEmpty() ? node.getInput(1) : null;
      hi = node.getInputCount() > 2 && !node.getInput(2).isEmpty() ? node.getInput(2) : null;
    } else {
      lo = Attributes.has(node, "min") ? e.scalar(Attributes.getFloat(node, "min", 0f)) : null;
      hi = Attributes.has(node, "max") ? e.scalar(Attributes.getFloat(node, "max", 0f)) : null;
    }
    if (ctx.needs(1) || ctx.needs(2)) {
      throw ctx.unsupported("bounds that depend on the input");
    }
    // lo < x < hi exactly where lo < y < hi for the clipped output y
    String y = node.getOutput(0);
    String inside = null;
    if (lo != null) {
      inside = e.positive(e.sub(y, lo));
    }
    if (hi != null) {
      String below = e.positive(e.sub(hi, y));
      inside = inside == null ? below : e.mul(inside, below);
    }
    String[] dx = new String[node.getInputCount()];
    dx[0] = inside == null ? dy[0] : e.mul(dy[0], inside);
    return dx;
  }
}
