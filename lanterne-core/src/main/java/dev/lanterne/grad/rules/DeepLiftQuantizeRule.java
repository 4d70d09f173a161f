package dev.lanterne.grad.rules;

import dev.lanterne.grad.BackwardContext;
import dev.lanterne.grad.GradientRule;
import dev.lanterne.grad.GraphEmitter;
import dev.lanterne.onnx.TensorProtos;
import dev.lanterne.onnx.proto.Onnx;

/**
 * DeepLift's rescale rule at QuantizeLinear (a rounding step, differentiated straight through by the
 * gradient): the multiplier is {@code dy * scale * (q - q') / (x - x')}, the change of the dequantized
 * value over the change of the input, against the reference pass; the gradient where x = x' or where
 * the scale is not a constant scalar. Without it, the rounding errors of every quantized activation
 * break DeepLift's completeness on QDQ models.
 */
public final class DeepLiftQuantizeRule implements GradientRule {
  private final GradientRule gradient;

  /** @param gradient the QuantizeLinear gradient rule (clipped straight-through) */
  public DeepLiftQuantizeRule(GradientRule gradient) {
    this.gradient = gradient;
  }

  @Override
  public String[] backward(Onnx.NodeProto node, String[] dy, BackwardContext ctx) {
    String[] dx = gradient.backward(node, dy, ctx);
    Onnx.TensorProto scale = ctx.constant(node.getInput(1));
    if (!ctx.needs(0) || dy[0] == null || scale == null || TensorProtos.count(scale) != 1) {
      return dx;
    }
    GraphEmitter e = ctx.emit();
    String x = node.getInput(0);
    String q = node.getOutput(0);
    int f = Onnx.TensorProto.DataType.FLOAT_VALUE;
    String change = e.mul(e.sub(e.castTo(q, f), e.castTo(ctx.reference(q), f)),
        e.scalar(TensorProtos.toFloats(scale)[0]));
    dx[0] = DeepLiftRescaleRule.blend(e, e.sub(x, ctx.reference(x)), dx[0], e.mul(dy[0], change));
    return dx;
  }
}
