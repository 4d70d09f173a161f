package dev.lanterne.explain.inversion;

/**
 * How much of an image's detail is fine-grained: the fraction of the luminance's spectral energy at
 * radial frequencies above a cutoff. The luminance (Rec. 601: 0.299 R + 0.587 G + 0.114 B, on pixel
 * values in [0,1]) has its mean removed, goes through a 2-D discrete Fourier transform, and the
 * energy |F(fx, fy)|^2 at sqrt(fx^2 + fy^2) &gt; cutoff (in cycles per pixel; Nyquist is 0.5) is
 * divided by the total. White noise scores about 1 - pi * cutoff^2 (0.80 at 0.25); smooth images
 * near 0. Unregularised inversions look like adversarial noise and score high.
 */
public final class HighFrequencyEnergy {
  /** Half the Nyquist frequency. */
  public static final double DEFAULT_CUTOFF = 0.25;

  private HighFrequencyEnergy() {}

  /**
   * @param rgb [3,H,W] pixel values in [0,1] (see {@link #toPixels})
   * @return the fraction of spectral energy above the cutoff, or 0 for a flat image
   */
  public static double fraction(float[] rgb, int height, int width, double cutoff) {
    int plane = height * width;
    if (rgb.length != 3 * plane) {
      throw new IllegalArgumentException("expected [3," + height + "," + width + "]");
    }
    double[] lum = new double[plane];
    double mean = 0;
    for (int i = 0; i < plane; i++) {
      lum[i] = 0.299 * rgb[i] + 0.587 * rgb[plane + i] + 0.114 * rgb[2 * plane + i];
      mean += lum[i];
    }
    mean /= plane;
    for (int i = 0; i < plane; i++) {
      lum[i] -= mean;
    }
    // separable DFT: rows first, then columns
    double[] re = new double[plane];
    double[] im = new double[plane];
    double[][] rowTw = twiddles(width);
    for (int y = 0; y < height; y++) {
      for (int k = 0; k < width; k++) {
        double sr = 0;
        double si = 0;
        for (int x = 0; x < width; x++) {
          int t = (k * x) % width;
          sr += lum[y * width + x] * rowTw[0][t];
          si -= lum[y * width + x] * rowTw[1][t];
        }
        re[y * width + k] = sr;
        im[y * width + k] = si;
      }
    }
    double[][] colTw = twiddles(height);
    double total = 0;
    double high = 0;
    double[] cr = new double[height];
    double[] ci = new double[height];
    for (int k = 0; k < width; k++) {
      for (int y = 0; y < height; y++) {
        cr[y] = re[y * width + k];
        ci[y] = im[y * width + k];
      }
      double fx = folded(k, width);
      for (int l = 0; l < height; l++) {
        double sr = 0;
        double si = 0;
        for (int y = 0; y < height; y++) {
          int t = (l * y) % height;
          double c = colTw[0][t];
          double s = colTw[1][t];
          sr += cr[y] * c + ci[y] * s;
          si += ci[y] * c - cr[y] * s;
        }
        double e = sr * sr + si * si;
        double fy = folded(l, height);
        total += e;
        if (Math.sqrt(fx * fx + fy * fy) > cutoff) {
          high += e;
        }
      }
    }
    return total > 0 ? high / total : 0;
  }

  /**
   * The fraction of spectral energy above {@link #DEFAULT_CUTOFF} (half the Nyquist frequency) of a [3,H,W]
   * pixel image in [0,1], or 0 for a flat image.
   */
  public static double fraction(float[] rgb, int height, int width) {
    return fraction(rgb, height, width, DEFAULT_CUTOFF);
  }

  /** Normalised [3,H,W] back to pixel values in [0,1] (clipped), for a card's mean and std. */
  public static float[] toPixels(float[] chw, float[] mean, float[] std) {
    int plane = chw.length / 3;
    float[] out = new float[chw.length];
    for (int i = 0; i < chw.length; i++) {
      int c = i / plane;
      out[i] = Math.max(0f, Math.min(1f, chw[i] * std[c] + mean[c]));
    }
    return out;
  }

  /** Frequency of DFT index k of n, in cycles per pixel, folded to [-0.5, 0.5). */
  private static double folded(int k, int n) {
    return (k < (n + 1) / 2 ? k : k - n) / (double) n;
  }

  private static double[][] twiddles(int n) {
    double[][] t = new double[2][n];
    for (int i = 0; i < n; i++) {
      t[0][i] = Math.cos(2 * Math.PI * i / n);
      t[1][i] = Math.sin(2 * Math.PI * i / n);
    }
    return t;
  }
}
