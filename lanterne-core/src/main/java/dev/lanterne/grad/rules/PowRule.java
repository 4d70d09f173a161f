package dev.lanterne.grad.rules;

import dev.lanterne.grad.BackwardContext;
import dev.lanterne.grad.GradientRule;
import dev.lanterne.grad.GraphEmitter;
import dev.lanterne.onnx.proto.Onnx;

/** Pow y = a^p: dy * p * a^(p-1); for an exponent on the path, dy * y * ln(a). */
public final class PowRule implements GradientRule {
  @Override
  public String[] backward(Onnx.NodeProto node, String[] dy, BackwardContext ctx) {
    GraphEmitter e = ctx.emit();
    String a = node.getInput(0);
    String p = node.getInput(1);
    String y = node.getOutput(0);
    String[] dx = new String[2];
    if (ctx.needs(0)) {
      String pf = ctx.shapes().isFloat(p) ? p : e.castTo(p, Onnx.TensorProto.DataType.FLOAT_VALUE);
      String local = e.mul(pf, e.op("Pow", a, e.sub(pf, e.scalar(1f))));
      dx[0] = e.unbroadcast(e.mul(dy[0], local), y, a);
    }
    if (ctx.needs(1)) {
      dx[1] = e.unbroadcast(e.mul(e.mul(dy[0], y), e.op("Log", a)), y, p);
    }
    return dx;
  }
}
