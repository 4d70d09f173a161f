package dev.lanterne.grad.rules;

import dev.lanterne.grad.BackwardContext;
import dev.lanterne.grad.GradientRule;
import dev.lanterne.grad.GraphEmitter;
import dev.lanterne.grad.ProbedShapes;
import dev.lanterne.onnx.Attributes;
import dev.lanterne.onnx.proto.Onnx;
import java.util.List;

/**
 * AveragePool: dy divided by each window's element count (which, without count_include_pad, is
 * smaller at padded borders), added back over every window position by {@link WindowScatter}.
 */
public final class AveragePoolRule implements GradientRule {
  @Override
  public String[] backward(Onnx.NodeProto node, String[] dy, BackwardContext ctx) {
    String[] dx = new String[node.getInputCount()];
    if (!ctx.needs(0)) {
      return dx;
    }
    ProbedShapes s = ctx.shapes();
    GraphEmitter e = ctx.emit();
    long[] xDims = s.dims(node.getInput(0));
    PoolGeometry g = new PoolGeometry(node, xDims, s.dims(node.getOutput(0)),
        Attributes.getInts(node, "kernel_shape"));
    boolean includePad = Attributes.getInt(node, "count_include_pad", 0) != 0;
    long channels = xDims[1];

    long[] countDims = new long[g.r + 2];
    countDims[0] = 1;
    countDims[1] = 1;
    System.arraycopy(g.out, 0, countDims, 2, g.r);
    int total = 1;
    for (long o : g.out) {
      total *= (int) o;
    }
    float[] inverse = new float[total];
    long[] pos = new long[g.r];
    for (int flat = 0; flat < total; flat++) {
      PoolGeometry.unravel(flat, g.out, pos);
      long count = 1;
      for (int i = 0; i < g.r; i++) {
        long lo = includePad ? -g.padBegin[i] : 0;
        long hi = includePad ? g.in[i] + g.padEnd[i] : g.in[i];
        long n = 0;
        for (long k = 0; k < g.kernel[i]; k++) {
          long p = pos[i] * g.strides[i] - g.padBegin[i] + k * g.dilations[i];
          if (p >= lo && p < hi) {
            n++;
          }
        }
        count *= n;
      }
      inverse[flat] = count == 0 ? 0f : 1f / count;
    }
    String scaled = e.mul(dy[0], e.floats(countDims, inverse));
    if (e.opset() >= 8 && oneWindow(g)) {
      // one window over the whole map (MobileNet's final 7x7 pool): every input gets the same share,
      // broadcast by Expand (batch taken from dy) instead of one Pad per kernel offset
      long[] like = xDims.clone();
      like[0] = 1;
      dx[0] = e.op("Expand", scaled, e.ints(like));
      return dx;
    }

    List<String> parts = java.util.Collections.nCopies((int) g.kernelVolume(), scaled);
    dx[0] = WindowScatter.scatter(e, parts, g, channels);
    return dx;
  }

  /** A single unpadded, undilated window exactly the size of the input. */
  private static boolean oneWindow(PoolGeometry g) {
    for (int i = 0; i < g.r; i++) {
      if (g.out[i] != 1 || g.kernel[i] != g.in[i] || g.padBegin[i] != 0 || g.padEnd[i] != 0
          || g.dilations[i] != 1) {
        return false;
      }
    }
    return true;
  }
}
