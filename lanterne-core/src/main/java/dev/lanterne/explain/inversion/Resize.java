package dev.lanterne.explain.inversion;

/**
 * Separable resize of [C,H,W] float planes with a triangle (bilinear) filter that widens when
 * shrinking, as PIL's antialiased bilinear resize does. It is a linear map with stored weights, so
 * its transpose is exact too: {@link #transpose} carries a gradient at the output size back to the
 * input size (the chain rule through the resize), which deep-dream octaves use.
 */
public final class Resize {
  private final int channels;
  private final int inH;
  private final int inW;
  private final int outH;
  private final int outW;
  private final Taps rows;
  private final Taps cols;

  /**
   * A resize of [channels, inH, inW] planes to [channels, outH, outW].
   *
   * @throws IllegalArgumentException when a size is not positive
   */
  public Resize(int channels, int inH, int inW, int outH, int outW) {
    if (channels < 1 || inH < 1 || inW < 1 || outH < 1 || outW < 1) {
      throw new IllegalArgumentException("sizes must be positive");
    }
    this.channels = channels;
    this.inH = inH;
    this.inW = inW;
    this.outH = outH;
    this.outW = outW;
    this.rows = Taps.of(inH, outH);
    this.cols = Taps.of(inW, outW);
  }

  /** Resizes [C,inH,inW] to [C,outH,outW]. */
  public float[] apply(float[] in) {
    check(in, inH * inW);
    float[] out = new float[channels * outH * outW];
    float[] tmp = new float[inH * outW];
    for (int c = 0; c < channels; c++) {
      int ib = c * inH * inW;
      for (int y = 0; y < inH; y++) {
        for (int x = 0; x < outW; x++) {
          double s = 0;
          for (int k = 0; k < cols.count[x]; k++) {
            s += cols.weight[x][k] * in[ib + y * inW + cols.first[x] + k];
          }
          tmp[y * outW + x] = (float) s;
        }
      }
      int ob = c * outH * outW;
      for (int y = 0; y < outH; y++) {
        for (int k = 0; k < rows.count[y]; k++) {
          double w = rows.weight[y][k];
          int src = (rows.first[y] + k) * outW;
          for (int x = 0; x < outW; x++) {
            out[ob + y * outW + x] += (float) (w * tmp[src + x]);
          }
        }
      }
    }
    return out;
  }

  /** The transpose of {@link #apply}: [C,outH,outW] back to [C,inH,inW]. */
  public float[] transpose(float[] grad) {
    check(grad, outH * outW);
    float[] out = new float[channels * inH * inW];
    float[] tmp = new float[inH * outW];
    for (int c = 0; c < channels; c++) {
      java.util.Arrays.fill(tmp, 0f);
      int gb = c * outH * outW;
      for (int y = 0; y < outH; y++) {
        for (int k = 0; k < rows.count[y]; k++) {
          double w = rows.weight[y][k];
          int dst = (rows.first[y] + k) * outW;
          for (int x = 0; x < outW; x++) {
            tmp[dst + x] += (float) (w * grad[gb + y * outW + x]);
          }
        }
      }
      int ob = c * inH * inW;
      for (int y = 0; y < inH; y++) {
        for (int x = 0; x < outW; x++) {
          float g = tmp[y * outW + x];
          for (int k = 0; k < cols.count[x]; k++) {
            out[ob + y * inW + cols.first[x] + k] += (float) (cols.weight[x][k] * g);
          }
        }
      }
    }
    return out;
  }

  /** Resizes each of n stacked images. */
  public float[] applyBatch(float[] in, int n) {
    return batch(in, n, inH * inW, outH * outW, false);
  }

  /** Transposes each of n stacked gradients. */
  public float[] transposeBatch(float[] grad, int n) {
    return batch(grad, n, outH * outW, inH * inW, true);
  }

  private float[] batch(float[] in, int n, int fromPlane, int toPlane, boolean transpose) {
    int from = channels * fromPlane;
    int to = channels * toPlane;
    if (in.length != n * from) {
      throw new IllegalArgumentException("expected " + n * from + " values, got " + in.length);
    }
    float[] out = new float[n * to];
    for (int i = 0; i < n; i++) {
      float[] one = java.util.Arrays.copyOfRange(in, i * from, (i + 1) * from);
      System.arraycopy(transpose ? transpose(one) : apply(one), 0, out, i * to, to);
    }
    return out;
  }

  private void check(float[] a, int plane) {
    if (a.length != channels * plane) {
      throw new IllegalArgumentException("expected " + channels * plane + " values, got " + a.length);
    }
  }

  /** For each output index: the first input index and the normalised weights of the inputs it reads. */
  private record Taps(int[] first, int[] count, double[][] weight) {
    static Taps of(int in, int out) {
      double scale = (double) in / out;
      double stretch = Math.max(scale, 1.0);
      double support = stretch;
      int[] first = new int[out];
      int[] count = new int[out];
      double[][] weight = new double[out][];
      for (int i = 0; i < out; i++) {
        double centre = (i + 0.5) * scale;
        int lo = Math.max(0, (int) Math.floor(centre - support + 0.5));
        int hi = Math.min(in, (int) Math.floor(centre + support + 0.5));
        double[] w = new double[Math.max(hi - lo, 1)];
        double sum = 0;
        for (int j = lo; j < hi; j++) {
          double t = Math.abs((j + 0.5 - centre) / stretch);
          w[j - lo] = t < 1 ? 1 - t : 0;
          sum += w[j - lo];
        }
        if (sum > 0) {
          for (int k = 0; k < w.length; k++) {
            w[k] /= sum;
          }
        } else {
          lo = Math.min(in - 1, Math.max(0, (int) centre));
          w = new double[] {1};
        }
        first[i] = lo;
        count[i] = w.length;
        weight[i] = w;
      }
      return new Taps(first, count, weight);
    }
  }
}
