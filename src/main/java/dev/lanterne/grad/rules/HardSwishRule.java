package dev.lanterne.grad.rules;

import dev.lanterne.grad.BackwardContext;
import dev.lanterne.grad.GradientRule;
import dev.lanterne.grad.GraphEmitter;
import dev.lanterne.onnx.proto.Onnx;

/** HardSwish y = x * relu6(x + 3) / 6: dy * (x / 3 + 0.5) for -3 <= x <= 3, dy above 3, 0 below -3 (as PyTorch). */
public final class HardSwishRule implements GradientRule {
  @Override
  public String[] backward(Onnx.NodeProto node, String[] dy, BackwardContext ctx) {
    GraphEmitter e = ctx.emit();
    String x = node.getInput(0);
    String y = node.getOutput(0);
    String g = dy[0];
    return new String[] {e.mul(g, e.add(e.mul(e.mask(e.op("And", e.op("Not", e.less(x, e.scalar(-3f))), e.op("Not", e.greater(x, e.scalar(3f))))), e.add(e.mul(x, e.scalar(1f / 3)), e.scalar(0.5f))), e.mask(e.greater(x, e.scalar(3f)))))};
  }
}
