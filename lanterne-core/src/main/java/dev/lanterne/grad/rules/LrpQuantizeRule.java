package dev.lanterne.grad.rules;

import dev.lanterne.grad.BackwardContext;
import dev.lanterne.grad.GradientRule;
import dev.lanterne.grad.GraphEmitter;
import dev.lanterne.onnx.TensorProtos;
import dev.lanterne.onnx.proto.Onnx;
import java.util.ArrayList;
import java.util.List;

/**
 * LRP at QuantizeLinear: an element-wise step like any activation, so relevance passes unchanged
 * from the dequantized value v to the float input x (R_x = R_v, as {@link LrpActivationRule}); with
 * R = t * g that is {@code g_x = g_v * v / x} (0 where x = 0). The gradient rule (the clipped
 * straight-through estimator) would instead lose x g - v g at every rounding and all of v g where the
 * code saturates, which on QDQ models (ReLU6 is folded into the uint8 range) breaks conservation at
 * every quantized activation. A scale or zero point that is not a constant scalar keeps the gradient
 * rule.
 */
public final class LrpQuantizeRule implements GradientRule {
  private final GradientRule gradient;

  /** @param gradient the QuantizeLinear gradient rule, for non-constant quantization parameters */
  public LrpQuantizeRule(GradientRule gradient) {
    this.gradient = gradient;
  }

  @Override
  public String[] backward(Onnx.NodeProto node, String[] dy, BackwardContext ctx) {
    Onnx.TensorProto scale = ctx.constant(node.getInput(1));
    boolean zeroGiven = node.getInputCount() > 2 && !node.getInput(2).isEmpty();
    Onnx.TensorProto zero = zeroGiven ? ctx.constant(node.getInput(2)) : null;
    if (!ctx.needs(0) || dy[0] == null || scale == null || TensorProtos.count(scale) != 1
        || zeroGiven && (zero == null || TensorProtos.count(zero) != 1)) {
      return gradient.backward(node, dy, ctx);
    }
    GraphEmitter e = ctx.emit();
    List<String> dqInputs = new ArrayList<>(List.of(node.getOutput(0), node.getInput(1)));
    if (zeroGiven) {
      dqInputs.add(node.getInput(2));
    }
    String v = e.op("DequantizeLinear", dqInputs);
    String x = node.getInput(0);
    String isZero = e.mask(e.less(e.op("Abs", x), e.scalar(Float.MIN_NORMAL)));
    String ratio = e.mul(e.div(v, e.add(x, isZero)), e.sub(e.scalar(1f), isZero));
    String[] dx = new String[node.getInputCount()];
    dx[0] = e.mul(dy[0], ratio);
    return dx;
  }
}
