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
 *
 * <p>Where fewer groups of mutually disjoint windows than kernel offsets cover the output (from opset 10:
 * a 3x3 window with stride 2 needs 4 groups against 9 offsets, a 2x2 one with stride 2 a single group), the
 * pool is recomputed with its indices (ONNX Runtime's MaxPool takes the first maximum in row-major order,
 * as PyTorch does) and each group's gradients are put back with one MaxUnpool: windows of one group never
 * share a pixel, so no write overwrites another, and the groups' results add up. On SqueezeNet's three
 * overlapping pools this is a few memory passes where the offsets took about 60 operators per pool.
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
    long[] every = new long[r];
    long groups = 1;
    for (int i = 0; i < r; i++) {
      // windows m strides apart share no pixel once m * stride reaches the window's extent
      long extent = (g.kernel[i] - 1) * g.dilations[i] + 1;
      every[i] = (extent + g.strides[i] - 1) / g.strides[i];
      groups *= every[i];
    }
    if (ctx.opset() >= 10 && r <= 3 && groups < kk && Attributes.getInt(node, "storage_order", 0) == 0) {
      dx[0] = unpooled(e, node, x, dy[0], g, every, groups);
      return dx;
    }

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
      PoolGeometry.unravel(t, g.kernel, offset);
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

  /** The gradient put back by MaxUnpool, one call per group of disjoint windows (output positions a + m*k). */
  private static String unpooled(GraphEmitter e, Onnx.NodeProto node, String x, String dy, PoolGeometry g,
      long[] every, long groups) {
    int r = g.r;
    String indices = e.opN("MaxPool", List.of(x), 2, node.getAttributeList().toArray(new Onnx.AttributeProto[0]))[1];
    String shape = e.shapeOf(x);
    // pads only for MaxUnpool's own size check (its inferred size must not exceed the given shape): the
    // indices already say where each value goes
    long[] pads = new long[2 * r];
    for (int i = 0; i < r; i++) {
      pads[r + i] = Math.max(0, (g.out[i] - 1) * g.strides[i] + g.kernel[i] - g.in[i]);
    }
    Onnx.AttributeProto[] unpoolAttrs = {Attributes.ofInts("kernel_shape", g.kernel),
        Attributes.ofInts("strides", g.strides), Attributes.ofInts("pads", pads)};
    List<String> parts = new ArrayList<>();
    long[] start = new long[r];
    for (long t = 0; t < groups; t++) {
      PoolGeometry.unravel(t, every, start);
      String values = groups > 1 ? e.strided(dy, start, every, g.spatialAxes()) : dy;
      String where = groups > 1 ? e.strided(indices, start, every, g.spatialAxes()) : indices;
      parts.add(e.op("MaxUnpool", List.of(values, where, shape), unpoolAttrs));
    }
    return e.sum(parts);
  }

  /** 1 where the window value is below the pooled maximum, 0 where it equals it (both scaled by 2^60). */
  private static String below(GraphEmitter e, String pooled, String window) {
    String difference = e.sub(pooled, window);
    return e.opset() >= 8 ? e.op("Min", difference, e.scalar(1f)) : e.positive(difference);
  }
}
