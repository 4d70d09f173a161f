package dev.lanterne.grad.rules;

import dev.lanterne.grad.GraphEmitter;
import dev.lanterne.onnx.Attributes;
import java.util.List;

/**
 * The input gradient of a convolution written as an ordinary Conv: dy is spread out by the stride
 * (s-1 zeros between values), padded by (k-1)*d - padBegin in front and trimmed or padded at the end,
 * and correlated with the weights flipped in space and with input and output channels swapped within
 * each group: dx[i] = sum_k z[i + pb - (K-1-k)*d] w[k].
 */
final class ConvAsCorrelation {
  private ConvAsCorrelation() {}

  /** The front padding (k-1)*d - padBegin must not be negative. */
  static boolean applies(PoolGeometry g) {
    for (int i = 0; i < g.r; i++) {
      if ((g.kernel[i] - 1) * g.dilations[i] - g.padBegin[i] < 0) {
        return false;
      }
    }
    return true;
  }

  static String inputGradient(GraphEmitter e, String dy, String w, long[] wDims, long group, PoolGeometry g,
      long inChannels) {
    int r = g.r;
    long outChannels = wDims[0];
    String z = spread(e, dy, g, outChannels);
    long[] zLen = new long[r];
    for (int i = 0; i < r; i++) {
      zLen[i] = g.out[i] * g.strides[i];
    }
    long[] pads = new long[2 * r];
    long[] trimEnds = new long[r];
    boolean trim = false;
    for (int i = 0; i < r; i++) {
      pads[i] = (g.kernel[i] - 1) * g.dilations[i] - g.padBegin[i];
      long back = g.in[i] + g.padBegin[i] - zLen[i];
      pads[i + r] = Math.max(0, back);
      trimEnds[i] = zLen[i] + Math.min(0, back);
      trim |= back < 0;
    }
    if (trim) {
      z = e.slice(z, new long[r], trimEnds, g.spatialAxes());
    }
    return e.op("Conv", List.of(z, flipped(e, w, wDims, group, inChannels)), Attributes.ofInts("kernel_shape", g.kernel),
        Attributes.ofInts("dilations", g.dilations), Attributes.ofInts("pads", pads), Attributes.ofInt("group", group));
  }

  /** dy with s-1 zeros after each value along every strided axis (no-op for unit strides). */
  private static String spread(GraphEmitter e, String dy, PoolGeometry g, long channels) {
    boolean strided = false;
    for (long s : g.strides) {
      strided |= s != 1;
    }
    if (!strided) {
      return dy;
    }
    int r = g.r;
    if (r == 2 && e.opset() >= 11) {
      // nearest upsampling repeats each value over its s x s cell; a 0/1 pattern keeps the cell's
      // first. Two fast kernels, where ONNX Runtime's Pad of the inner axes below (and its
      // DepthToSpace) are several times slower.
      long rows = g.out[0] * g.strides[0];
      long cols = g.out[1] * g.strides[1];
      float[] pattern = new float[Math.toIntExact(rows * cols)];
      for (long i = 0; i < rows; i += g.strides[0]) {
        for (long j = 0; j < cols; j += g.strides[1]) {
          pattern[(int) (i * cols + j)] = 1f;
        }
      }
      String repeated = e.op("Resize", List.of(dy, e.floats(new long[] {0}, new float[0]),
          e.floats(new long[] {4}, new float[] {1, 1, g.strides[0], g.strides[1]})),
          Attributes.ofString("mode", "nearest"), Attributes.ofString("coordinate_transformation_mode", "asymmetric"),
          Attributes.ofString("nearest_mode", "floor"));
      return e.mul(repeated, e.floats(new long[] {1, 1, rows, cols}, pattern));
    }
    long[] unsqueezeAxes = new long[r];
    for (int i = 0; i < r; i++) {
      unsqueezeAxes[i] = 3 + 2L * i;
    }
    String interleaved = e.unsqueeze(dy, unsqueezeAxes);
    int rank = 2 + 2 * r;
    long[] pads = new long[2 * rank];
    long[] flat = new long[2 + r];
    flat[1] = channels;
    for (int i = 0; i < r; i++) {
      pads[rank + 3 + 2 * i] = g.strides[i] - 1;
      flat[2 + i] = g.out[i] * g.strides[i];
    }
    return e.reshape(e.pad(interleaved, pads, 0f), e.ints(flat));
  }

  /** Weights [Co, Ci/g, k...] as [Ci, Co/g, k...], flipped along every spatial axis. */
  private static String flipped(GraphEmitter e, String w, long[] wDims, long group, long inChannels) {
    int r = wDims.length - 2;
    String t = w;
    long perGroupOut = wDims[0] / group;
    if (perGroupOut != 1 || wDims[1] != 1) {
      long[] grouped = new long[r + 3];
      grouped[0] = group;
      grouped[1] = perGroupOut;
      grouped[2] = wDims[1];
      long[] perm = new long[r + 3];
      perm[0] = 0;
      perm[1] = 2;
      perm[2] = 1;
      long[] back = new long[r + 2];
      back[0] = inChannels;
      back[1] = perGroupOut;
      for (int i = 0; i < r; i++) {
        grouped[3 + i] = wDims[2 + i];
        perm[3 + i] = 3 + i;
        back[2 + i] = wDims[2 + i];
      }
      t = e.reshape(e.transpose(e.reshape(t, e.ints(grouped)), perm), e.ints(back));
    }
    for (int i = 0; i < r; i++) {
      t = e.reverse(t, 2 + i);
    }
    return t;
  }
}
