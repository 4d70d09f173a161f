package dev.lanterne.grad.rules;

import dev.lanterne.grad.BackwardContext;
import dev.lanterne.grad.GradientRule;
import dev.lanterne.grad.ProbedShapes;
import dev.lanterne.onnx.Attributes;
import dev.lanterne.onnx.proto.Onnx;
import java.util.Arrays;
import java.util.List;

/**
 * Conv: the input gradient is a ConvTranspose of dy with the same weights, strides, pads, dilations
 * and groups; output_padding restores input sizes that the forward strides did not reach.
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
        Attributes.ofInts("output_padding", outputPadding),
        Attributes.ofInt("group", Attributes.getInt(node, "group", 1)));
    return dx;
  }
}
