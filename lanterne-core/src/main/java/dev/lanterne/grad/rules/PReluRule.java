package dev.lanterne.grad.rules;

import dev.lanterne.grad.BackwardContext;
import dev.lanterne.grad.GradientRule;
import dev.lanterne.grad.GraphEmitter;
import dev.lanterne.onnx.proto.Onnx;

/** PRelu y = x where x &gt; 0, slope * x elsewhere: dx = dy * (1 or slope); dslope = dy * x where x &lt;= 0, unbroadcast. */
public final class PReluRule implements GradientRule {
  @Override
  public String[] backward(Onnx.NodeProto node, String[] dy, BackwardContext ctx) {
    GraphEmitter e = ctx.emit();
    String x = node.getInput(0);
    String slope = node.getInput(1);
    String positive = e.mask(e.greater(x, e.scalar(0f)));
    String negative = e.sub(e.scalar(1f), positive);
    String[] dx = new String[2];
    if (ctx.needs(0)) {
      dx[0] = e.mul(dy[0], e.add(positive, e.mul(negative, slope)));
    }
    if (ctx.needs(1)) {
      dx[1] = e.unbroadcast(e.mul(e.mul(dy[0], x), negative), node.getOutput(0), slope);
    }
    return dx;
  }
}
