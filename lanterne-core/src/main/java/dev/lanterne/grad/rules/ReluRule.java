package dev.lanterne.grad.rules;

import dev.lanterne.grad.BackwardContext;
import dev.lanterne.grad.GradientRule;
import dev.lanterne.grad.GraphEmitter;
import dev.lanterne.onnx.proto.Onnx;

/**
 * Relu: dy where x &gt; 0 (standard); guided backpropagation also drops negative dy; deconvnet passes
 * the positive part of dy whatever x was.
 */
public final class ReluRule implements GradientRule {
  @Override
  public String[] backward(Onnx.NodeProto node, String[] dy, BackwardContext ctx) {
    GraphEmitter e = ctx.emit();
    // x > 0 exactly where the output y = max(x, 0) is positive
    String y = node.getOutput(0);
    String g = switch (ctx.variant()) {
      case GUIDED -> e.mul(e.op("Relu", dy[0]), e.positive(y));
      case DECONVNET -> e.op("Relu", dy[0]);
      // the true gradient (LRP keeps it at ReLUs; DeepLift wraps this rule, see DeepLiftRescaleRule)
      default -> e.mul(dy[0], e.positive(y));
    };
    return new String[] {g};
  }
}
