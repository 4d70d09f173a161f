package dev.lanterne.grad.rules;

import dev.lanterne.grad.BackwardContext;
import dev.lanterne.grad.GradientRule;
import dev.lanterne.grad.GraphEmitter;
import dev.lanterne.onnx.Attributes;
import dev.lanterne.onnx.proto.Onnx;
import java.util.List;

/**
 * LRN y = x / s^beta with s = bias + alpha/size * (sum of x^2 over a channel window):
 * dx = dy s^-beta - (2 alpha beta / size) x * window^T(dy y / s). Window sums over channels are 1x1
 * convolutions with a banded matrix (its transpose for the backward sum).
 */
public final class LrnRule implements GradientRule {
  @Override
  public String[] backward(Onnx.NodeProto node, String[] dy, BackwardContext ctx) {
    GraphEmitter e = ctx.emit();
    String x = node.getInput(0);
    String y = node.getOutput(0);
    long[] in = ctx.shapes().dims(x);
    if (in.length != 4) {
      throw ctx.unsupported("an input of rank " + in.length);
    }
    int c = (int) in[1];
    long size = Attributes.getInt(node, "size", 1);
    float alpha = Attributes.getFloat(node, "alpha", 1e-4f);
    float beta = Attributes.getFloat(node, "beta", 0.75f);
    float bias = Attributes.getFloat(node, "bias", 1f);
    long below = (size - 1) / 2;
    long above = size - 1 - below;
    // forward[o][i] = 1 when input channel i lies in output channel o's window
    float[] forward = new float[c * c];
    float[] backward = new float[c * c];
    for (int o = 0; o < c; o++) {
      for (int i = (int) Math.max(0, o - below); i <= Math.min(c - 1, o + above); i++) {
        forward[o * c + i] = 1f;
        backward[i * c + o] = 1f;
      }
    }
    long[] wDims = {c, c, 1, 1};
    String s = e.add(e.scalar(bias), e.mul(e.scalar(alpha / size),
        e.op("Conv", List.of(e.mul(x, x), e.floats(wDims, forward)))));
    String direct = e.mul(dy[0], e.op("Pow", s, e.scalar(-beta)));
    String back = e.op("Conv", List.of(e.div(e.mul(dy[0], y), s), e.floats(wDims, backward)));
    String cross = e.mul(e.mul(x, back), e.scalar(2 * alpha * beta / size));
    return new String[] {e.sub(direct, cross)};
  }
}
