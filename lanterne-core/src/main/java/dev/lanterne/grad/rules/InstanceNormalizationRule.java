package dev.lanterne.grad.rules;

import dev.lanterne.grad.BackwardContext;
import dev.lanterne.grad.GradientRule;
import dev.lanterne.grad.GraphEmitter;
import dev.lanterne.onnx.Attributes;
import dev.lanterne.onnx.proto.Onnx;

/**
 * InstanceNormalization (also GroupNorm as exporters write it: Reshape, InstanceNormalization with unit
 * scale, Reshape, Mul, Add): a layer norm over the spatial axes of each image and channel, with a
 * per-channel scale (see {@link LayerNormalizationRule}).
 */
public final class InstanceNormalizationRule implements GradientRule {
  @Override
  public String[] backward(Onnx.NodeProto node, String[] dy, BackwardContext ctx) {
    GraphEmitter e = ctx.emit();
    String x = node.getInput(0);
    long[] dims = ctx.shapes().dims(x);
    int rank = dims.length;
    long[] axes = new long[rank - 2];
    long[] perChannel = new long[rank - 1];
    java.util.Arrays.fill(perChannel, 1);
    perChannel[0] = dims[1];
    for (int i = 0; i < axes.length; i++) {
      axes[i] = i + 2;
    }
    String[] rx = LayerNormalizationRule.standardise(e, x, axes, Attributes.getFloat(node, "epsilon", 1e-5f));
    String[] dx = new String[3];
    if (ctx.needs(0)) {
      String scale = e.reshape(node.getInput(1), e.ints(perChannel));
      dx[0] = LayerNormalizationRule.inputGradient(e, e.mul(dy[0], scale), rx, axes);
    }
    long[] notChannel = new long[rank - 1];
    notChannel[0] = 0;
    for (int i = 1; i < notChannel.length; i++) {
      notChannel[i] = i + 1;
    }
    if (ctx.needs(1)) {
      dx[1] = e.reduceSum(e.mul(dy[0], rx[1]), notChannel, false);
    }
    if (ctx.needs(2)) {
      dx[2] = e.reduceSum(dy[0], notChannel, false);
    }
    return dx;
  }
}
