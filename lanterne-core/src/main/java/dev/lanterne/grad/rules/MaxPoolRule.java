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
    // scaled by 2^60 (exact, so equality is kept) so that Min(Y - W, 1) is 1 wherever w < y
    String scale = e.scalar(0x1p60f);
    String padded = e.pad(e.mul(x, scale), pads, Float.NEGATIVE_INFINITY);
    String pooled = e.mul(y, scale);
    boolean strided = false;
    for (long st : g.strides) {
      strided |= st != 1;
    }
    long[] ones = new long[r];
    java.util.Arrays.fill(ones, 1);

    List<String> parts = new ArrayList<>();
    // the gradient not yet given to an earlier (row-major) maximum of its window
    String remaining = dy[0];
    long[] offset = new long[r];
    for (long t = 0; t < kk; t++) {
      if (t == kk - 1) {
        // whatever remains had its maximum at the last offset
        parts.add(remaining);
        break;
      }
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
      // 0 where this offset holds the maximum (it takes what remains), 1 where it is below
      String left = e.mul(remaining, below(e, pooled, window));
      parts.add(e.sub(remaining, left));
      remaining = left;
    }
    dx[0] = WindowScatter.scatter(e, parts, g, channels);
    return dx;
  }

  /** 1 where the window value is below the pooled maximum, 0 where it equals it (both scaled by 2^60). */
  private static String below(GraphEmitter e, String pooled, String window) {
    String difference = e.sub(pooled, window);
    return e.opset() >= 8 ? e.op("Min", difference, e.scalar(1f)) : e.positive(difference);
  }
}
