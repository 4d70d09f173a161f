package dev.lanterne.metrics;

/**
 * The RISE authors' insertion substrate: {@code conv2d(x, gkern(11, 5), padding=5)}, an 11x11
 * kernel made by scipy's {@code gaussian_filter} (sigma 5, truncated at 4 sigma, mode 'reflect')
 * of a centred delta, applied per channel to the normalised tensor with zero padding. Because the
 * Gaussian is much wider than the window and folds back into it, the kernel is nearly a box filter.
 */
public final class InsertionBlur {
  /** Kernel width and height in pixels. */
  public static final int SIZE = 11;
  /** Standard deviation in pixels of the Gaussian the kernel is made from. */
  public static final double SIGMA = 5;

  private static final float[] KERNEL = kernel1d(SIZE, SIGMA);

  private InsertionBlur() {}

  /** A blurred copy of a normalised image [C,H,W]. */
  public static float[] blur(float[] chw, int channels, int height, int width) {
    if (chw.length != channels * height * width) {
      throw new IllegalArgumentException("expected " + channels * height * width + " values, got " + chw.length);
    }
    int r = SIZE / 2;
    int plane = height * width;
    float[] tmp = new float[plane];
    float[] out = new float[chw.length];
    for (int c = 0; c < channels; c++) {
      int base = c * plane;
      for (int y = 0; y < height; y++) {
        for (int x = 0; x < width; x++) {
          float s = 0;
          int lo = Math.max(0, r - x);
          int hi = Math.min(SIZE, width + r - x);
          for (int k = lo; k < hi; k++) {
            s += KERNEL[k] * chw[base + y * width + x + k - r];
          }
          tmp[y * width + x] = s;
        }
      }
      for (int y = 0; y < height; y++) {
        int lo = Math.max(0, r - y);
        int hi = Math.min(SIZE, height + r - y);
        int o = base + y * width;
        for (int k = lo; k < hi; k++) {
          float w = KERNEL[k];
          int src = (y + k - r) * width;
          for (int x = 0; x < width; x++) {
            out[o + x] += w * tmp[src + x];
          }
        }
      }
    }
    return out;
  }

  /** The separable factor of the kernel. */
  static float[] kernel() {
    return KERNEL.clone();
  }

  /**
   * scipy.ndimage.gaussian_filter1d of a delta at the centre of a window of length size: each
   * Gaussian tap lands on the window position that half-sample reflection (d c b a | a b c d) maps
   * it to, so the taps beyond the window fold back in.
   */
  static float[] kernel1d(int size, double sigma) {
    int radius = (int) (4 * sigma + 0.5);
    double[] g = new double[2 * radius + 1];
    double sum = 0;
    for (int i = -radius; i <= radius; i++) {
      g[i + radius] = Math.exp(-0.5 * i * i / (sigma * sigma));
      sum += g[i + radius];
    }
    int centre = size / 2;
    double[] k = new double[size];
    for (int i = 0; i < size; i++) {
      for (int t = -radius; t <= radius; t++) {
        if (reflect(i + t, size) == centre) {
          k[i] += g[t + radius] / sum;
        }
      }
    }
    float[] out = new float[size];
    for (int i = 0; i < size; i++) {
      out[i] = (float) k[i];
    }
    return out;
  }

  /** Half-sample symmetric reflection into [0, n): period 2n, mirrored in the second half. */
  private static int reflect(int m, int n) {
    int p = Math.floorMod(m, 2 * n);
    return p < n ? p : 2 * n - 1 - p;
  }
}
