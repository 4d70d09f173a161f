package dev.lanterne.grad.rules;

import dev.lanterne.grad.BackwardContext;
import dev.lanterne.grad.GradientRule;
import dev.lanterne.grad.GraphEmitter;
import dev.lanterne.onnx.Attributes;
import dev.lanterne.onnx.proto.Onnx;

/** BatchNormalization in inference mode: dy * scale / sqrt(var + epsilon), per channel (axis 1). */
public final class BatchNormalizationRule implements GradientRule {
  @Override
  public String[] backward(Onnx.NodeProto node, String[] dy, BackwardContext ctx) {
    GraphEmitter e = ctx.emit();
    for (int i = 1; i < 5; i++) {
      if (ctx.needs(i)) {
        throw ctx.unsupported("statistics that depend on the input");
      }
    }
    if (Attributes.getInt(node, "training_mode", 0) != 0) {
      throw ctx.unsupported("training mode");
    }
    long[] in = ctx.shapes().dims(node.getInput(0));
    float eps = Attributes.getFloat(node, "epsilon", 1e-5f);
    String factor = e.div(node.getInput(1), e.op("Sqrt", e.add(node.getInput(4), e.scalar(eps))));
    long[] shape = new long[in.length - 1];
    java.util.Arrays.fill(shape, 1);
    shape[0] = in[1];
    String[] dx = new String[node.getInputCount()];
    dx[0] = e.mul(dy[0], e.reshape(factor, e.ints(shape)));
    return dx;
  }
}
