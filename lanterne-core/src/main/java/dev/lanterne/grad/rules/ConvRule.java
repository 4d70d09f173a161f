package dev.lanterne.grad.rules;

import dev.lanterne.grad.BackwardContext;
import dev.lanterne.grad.GradientRule;
import dev.lanterne.grad.ProbedShapes;
import dev.lanterne.onnx.Attributes;
import dev.lanterne.onnx.proto.Onnx;
import java.util.Arrays;
import java.util.List;

/**
 * Conv: the input gradient is a transposed convolution of dy with the same weights, strides, pads,
 * dilations and groups. ONNX Runtime's ordinary Conv is much faster than its ConvTranspose, so for
 * unit strides and depthwise convolutions it is written as a Conv (see {@link ConvAsCorrelation});
 * otherwise as ConvTranspose, with output_padding restoring input sizes the strides did not reach.
 */
public final class ConvRule implements GradientRule {
  @Override
  public String[] backward(Onnx.NodeProto node, String[] dy, BackwardContext ctx) {
    String[] dx = new String[node.getInputCount()];
    if (ctx.needs(1) || ctx.needs(2)) {
      throw ctx.unsupported("weights that depend on the input");
    }
    if (!ctx.needs(0)) {
      return dx;
    }
    ProbedShapes s = ctx.shapes();
    String x = node.getInput(0);
    String w = node.getInput(1);
    long[] wDims = s.dims(w);
    PoolGeometry g = new PoolGeometry(node, s.dims(x), s.dims(node.getOutput(0)),
        Arrays.copyOfRange(wDims, 2, wDims.length));
    long group = Attributes.getInt(node, "group", 1);
    boolean depthwise = group == wDims[0] && wDims[1] == 1;
    boolean unitStride = java.util.Arrays.stream(g.strides).allMatch(v -> v == 1);
    if (ctx.opset() >= 10 && (unitStride || depthwise) && ConvAsCorrelation.applies(g)) {
      dx[0] = ConvAsCorrelation.inputGradient(ctx.emit(), dy[0], w, wDims, group, g, s.dims(x)[1]);
      return dx;
    }
    long[] outputPadding = new long[g.r];
    long[] pads = new long[2 * g.r];
    for (int i = 0; i < g.r; i++) {
      outputPadding[i] = g.in[i] - (g.covered(i) - g.padBegin[i] - g.padEnd[i]);
      if (outputPadding[i] < 0) {
        throw ctx.unsupported("unexpected output size");
      }
      pads[i] = g.padBegin[i];
      pads[i + g.r] = g.padEnd[i];
    }
    dx[0] = ctx.emit().op("ConvTranspose", List.of(dy[0], w),
        Attributes.ofInts("kernel_shape", g.kernel), Attributes.ofInts("strides", g.strides),
        Attributes.ofInts("dilations", g.dilations), Attributes.ofInts("pads", pads),
        Attributes.ofInts("output_padding", outputPadding), Attributes.ofInt("group", group));
    return dx;
  }
}
