package dev.lanterne.grad.rules;

import dev.lanterne.grad.BackwardContext;
import dev.lanterne.grad.GradientRule;
import dev.lanterne.grad.GraphEmitter;
import dev.lanterne.grad.ProbedShapes;
import dev.lanterne.onnx.Attributes;
import dev.lanterne.onnx.proto.Onnx;
import java.util.ArrayList;
import java.util.List;

/**
 * MaxPool: each output's gradient goes to the first maximum of its window in row-major order (as
 * PyTorch does), and gradients of overlapping windows that pick the same pixel add up. Without
 * scatter-add (opset 16), every kernel offset is handled at once: the input shifted by that offset and
 * strided like the outputs is compared with the pooled value, positions already taken by an earlier
 * offset are masked out, and {@link WindowScatter} adds the masked gradients back, summing overlaps.
 */
public final class MaxPoolRule implements GradientRule {
  @Override
  public String[] backward(Onnx.NodeProto node, String[] dy, BackwardContext ctx) {
    String[] dx = new String[node.getInputCount()];
    if (!ctx.needs(0) || dy[0] == null) {
      return dx;
    }
    ProbedShapes s = ctx.shapes();
    GraphEmitter e = ctx.emit();
    String x = node.getInput(0);
    String y = node.getOutput(0);
    long[] xDims = s.dims(x);
    PoolGeometry g = new PoolGeometry(node, xDims, s.dims(y), Attributes.getInts(node, "kernel_shape"));
    int r = g.r;
    long channels = xDims[1];
    long kk = g.kernelVolume();

    long[] pads = new long[2 * (r + 2)];
    for (int i = 0; i < r; i++) {
      pads[2 + i] = g.padBegin[i];
      pads[r + 4 + i] = Math.max(g.padEnd[i], g.covered(i) - g.in[i] - g.padBegin[i]);
    }
    String padded = e.pad(x, pads, Float.NEGATIVE_INFINITY);
    boolean strided = false;
    for (long st : g.strides) {
      strided |= st != 1;
    }
    long[] ones = new long[r];
    java.util.Arrays.fill(ones, 1);

    List<String> parts = new ArrayList<>();
    String taken = null;
    long[] offset = new long[r];
    for (long t = 0; t < kk; t++) {
      long rem = t;
      for (int i = r - 1; i >= 0; i--) {
        offset[i] = rem % g.kernel[i];
        rem /= g.kernel[i];
      }
      long[] starts = new long[r];
      long[] ends = new long[r];
      for (int i = 0; i < r; i++) {
        starts[i] = offset[i] * g.dilations[i];
        ends[i] = starts[i] + (g.out[i] - 1) * g.strides[i] + 1;
      }
      String window = e.slice(padded, starts, ends, g.spatialAxes());
      if (strided) {
        window = e.op("MaxPool", window, Attributes.ofInts("kernel_shape", ones),
            Attributes.ofInts("strides", g.strides));
      }
      // 1 where the window value equals the pooled maximum (y - window >= 0, and -inf padding gives +inf)
      String hit = e.sub(e.scalar(1f), e.positive(e.sub(y, window)));
      if (taken == null) {
        taken = hit;
      } else {
        hit = e.mul(hit, e.sub(e.scalar(1f), taken));
        taken = e.add(taken, hit);
      }
      parts.add(e.mul(dy[0], hit));
    }
    dx[0] = WindowScatter.scatter(e, parts, g, channels);
    return dx;
  }
}
