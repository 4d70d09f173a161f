package dev.lanterne.grad.rules;

import dev.lanterne.grad.BackwardContext;
import dev.lanterne.grad.GradientRule;
import dev.lanterne.grad.GraphEmitter;
import dev.lanterne.onnx.Attributes;
import dev.lanterne.onnx.proto.Onnx;

/**
 * LayerNormalization (opset 17) over the axes from `axis` on: with r = 1/sqrt(var + eps),
 * xhat = (x - mean) r and g = dy * scale, dx = r (g - mean(g) - xhat mean(g xhat)); dscale and dB are
 * dy xhat and dy summed over the broadcast axes. Mean and variance are recomputed.
 */
public final class LayerNormalizationRule implements GradientRule {
  @Override
  public String[] backward(Onnx.NodeProto node, String[] dy, BackwardContext ctx) {
    GraphEmitter e = ctx.emit();
    String x = node.getInput(0);
    String scale = node.getInput(1);
    int rank = ctx.shapes().rank(x);
    long axis = BackwardContext.axis(Attributes.getInt(node, "axis", -1), rank);
    long[] axes = new long[(int) (rank - axis)];
    for (int i = 0; i < axes.length; i++) {
      axes[i] = axis + i;
      if (ctx.shapes().followsBatch(x)[(int) axes[i]]) {
        throw ctx.unsupported("normalising over the batch axis");
      }
    }
    float eps = Attributes.getFloat(node, "epsilon", 1e-5f);
    String[] rx = standardise(e, x, axes, eps);
    String xhat = rx[1];
    String[] dx = new String[node.getInputCount()];
    if (ctx.needs(0)) {
      dx[0] = inputGradient(e, e.mul(dy[0], scale), rx, axes);
    }
    String y = node.getOutput(0);
    if (ctx.needs(1)) {
      dx[1] = e.unbroadcast(e.mul(dy[0], xhat), y, scale);
    }
    if (ctx.needs(2)) {
      dx[2] = e.unbroadcast(dy[0], y, node.getInput(2));
    }
    return dx;
  }

  /** {r, xhat}: r = 1/sqrt(var + eps) and xhat = (x - mean) r over the axes (dims kept). */
  static String[] standardise(GraphEmitter e, String x, long[] axes, float eps) {
    String centred = e.sub(x, e.reduceMean(x, axes, true));
    String variance = e.reduceMean(e.mul(centred, centred), axes, true);
    String r = e.op("Reciprocal", e.op("Sqrt", e.add(variance, e.scalar(eps))));
    return new String[] {r, e.mul(centred, r)};
  }

  /** The gradient through xhat = standardise(x) of g = dL/dxhat: r (g - mean(g) - xhat mean(g xhat)). */
  static String inputGradient(GraphEmitter e, String g, String[] rx, long[] axes) {
    String xhat = rx[1];
    String inner = e.sub(e.sub(g, e.reduceMean(g, axes, true)), e.mul(xhat, e.reduceMean(e.mul(g, xhat), axes, true)));
    return e.mul(rx[0], inner);
  }
}
