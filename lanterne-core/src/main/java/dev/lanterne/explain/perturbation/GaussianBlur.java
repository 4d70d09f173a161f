package dev.lanterne.explain.perturbation;

/**
 * Separable Gaussian blur of a [C,H,W] float array. The kernel is truncated at 4 sigma and
 * normalised to sum to one; borders are mirrored without repeating the edge pixel (d c b | a b c d
 * | c b a, numpy's 'reflect', OpenCV's BORDER_REFLECT_101), folded as often as a wide kernel needs.
 */
public final class GaussianBlur {
  private GaussianBlur() {}

  /** A blurred copy; sigma &lt;= 0 returns a plain copy. */
  public static float[] blur(float[] chw, int channels, int height, int width, double sigma) {
    if (chw.length != channels * height * width) {
      throw new IllegalArgumentException("expected " + channels * height * width + " values, got " + chw.length);
    }
    if (!(sigma > 0)) {
      return chw.clone();
    }
    float[] kernel = kernel(sigma);
    int radius = kernel.length / 2;
    int plane = height * width;
    float[] tmp = new float[plane];
    float[] out = new float[chw.length];
    int[] xs = reflectedIndices(width, radius);
    int[] ys = reflectedIndices(height, radius);
    for (int c = 0; c < channels; c++) {
      int base = c * plane;
      for (int y = 0; y < height; y++) {
        int row = base + y * width;
        for (int x = 0; x < width; x++) {
          float s = 0;
          for (int k = 0; k < kernel.length; k++) {
            s += kernel[k] * chw[row + xs[x + k]];
          }
          tmp[y * width + x] = s;
        }
      }
      for (int y = 0; y < height; y++) {
        int o = base + y * width;
        for (int x = 0; x < width; x++) {
          out[o + x] = 0;
        }
        for (int k = 0; k < kernel.length; k++) {
          float w = kernel[k];
          int src = ys[y + k] * width;
          for (int x = 0; x < width; x++) {
            out[o + x] += w * tmp[src + x];
          }
        }
      }
    }
    return out;
  }

  /** Normalised Gaussian weights at offsets -r..r, r = ceil(4 sigma). */
  static float[] kernel(double sigma) {
    int r = (int) Math.ceil(4 * sigma);
    double[] w = new double[2 * r + 1];
    double sum = 0;
    for (int i = -r; i <= r; i++) {
      w[i + r] = Math.exp(-0.5 * i * i / (sigma * sigma));
      sum += w[i + r];
    }
    float[] k = new float[w.length];
    for (int i = 0; i < w.length; i++) {
      k[i] = (float) (w[i] / sum);
    }
    return k;
  }

  /** For output position p and tap k, the source index is table[p + k] (tap k at offset k - r). */
  private static int[] reflectedIndices(int n, int radius) {
    int[] t = new int[n + 2 * radius];
    for (int i = 0; i < t.length; i++) {
      t[i] = GridUpsampler.mirror(i - radius, n);
    }
    return t;
  }
}
