package dev.lanterne.grad.rules;

import dev.lanterne.grad.BackwardContext;
import dev.lanterne.grad.GradientRule;
import dev.lanterne.grad.GraphEmitter;
import dev.lanterne.onnx.Attributes;
import dev.lanterne.onnx.proto.Onnx;

/**
 * Clip: dy where min &lt; x &lt; max; bounds are attributes before opset 11 and optional inputs after.
 * With min = 0 the guided and deconvnet variants treat it as a ReLU.
 */
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
    // a QDQ model's ReLU6 on its own [0, 6] grid: x == y everywhere, and lo < y < hi fails only at
    // the end codes, which the straight-through mask of the QuantizeLinear behind x zeroes anyway
    dev.lanterne.grad.QuantGrid grid = ctx.quantizedActivation(node.getInput(0));
    boolean masked = grid == null || !ctx.clipKeeps(grid);
    if (masked) {
      // the comparisons write one byte per element: Greater, Less, And and one Cast to float read and
      // write less than a float mask per bound multiplied together (MobileNetV1's ReLU6: 7 passes -> 4)
      String above = lo == null ? null : e.greater(y, lo);
      String below = hi == null ? null : e.less(y, hi);
      String both = above == null ? below : below == null ? above : e.op("And", above, below);
      inside = both == null ? null : e.mask(both);
    }
    String[] dx = new String[node.getInputCount()];
    String g = dy[0];
    if ((ctx.variant() == dev.lanterne.grad.Variant.GUIDED || ctx.variant() == dev.lanterne.grad.Variant.DECONVNET)
        && isZero(ctx, node, lo)) {
      // Clip(0, max) is a rectifier (ReLU6): guided backpropagation and deconvnet treat it as a ReLU
      g = e.op("Relu", g);
      if (ctx.variant() == dev.lanterne.grad.Variant.DECONVNET) {
        dx[0] = g;
        return dx;
      }
    }
    dx[0] = inside == null ? g : e.mul(g, inside);
    return dx;
  }

  private static boolean isZero(BackwardContext ctx, Onnx.NodeProto node, String lo) {
    if (lo == null) {
      return false;
    }
    if (ctx.opset() < 11) {
      return Attributes.getFloat(node, "min", -1f) == 0f;
    }
    Onnx.TensorProto t = ctx.constant(lo);
    return t != null && dev.lanterne.onnx.TensorProtos.count(t) == 1 && dev.lanterne.onnx.TensorProtos.toFloats(t)[0] == 0f;
  }
}
