package dev.lanterne.explain.surrogate;

/**
 * TorchRay's smooth mask generator ({@code torchray.attribution.extremal_perturbation.MaskGenerator},
 * softmax pooling): a coarse parameter grid p (one value every {@code step} pixels) becomes a
 * smooth mask m(u) = sum_k a_k softmax(coldness a)_k over the (2r+1)^2 parameters near u, with
 * a_k = kernel(|u - centre_k| / sigma) p_k and kernel(z) = exp(-2 max(z - 1/2, 0)^2); the mask is
 * computed on a margin of sigma around the image (the area constraint counts the whole of it) and
 * cropped to the image. {@link #backward} gives d/dp of any function of the mask.
 */
final class SmoothMask {
  final int height;
  final int width;
  final int step;
  final double sigma;
  final double coldness;
  final int inH;
  final int inW;
  final int padding;
  final int radius;
  final int outH;
  final int outW;
  final int margin;
  private final int taps;
  /** Kernel weight of tap k at output pixel u: weights[u * taps + k]. */
  private final float[] weights;

  SmoothMask(int height, int width, int step, double sigma, double coldness) {
    this.height = height;
    this.width = width;
    this.step = step;
    this.sigma = sigma;
    this.coldness = coldness;
    this.inH = (height + step - 1) / step;
    this.inW = (width + step - 1) / step;
    double m = sigma;
    this.padding = 1 + (int) Math.ceil((m + sigma) / step);
    this.radius = 1 + (int) Math.ceil(sigma / step);
    int side = 2 * radius + 1;
    int midH = inH + 2 * padding - side + 1;
    int midW = inW + 2 * padding - side + 1;
    this.outH = step * midH - step + 1;
    this.outW = step * midW - step + 1;
    this.margin = (int) Math.round(m);
    if (margin + height > outH || margin + width > outW) {
      throw new IllegalArgumentException("mask geometry too small for the image");
    }
    this.taps = side * side;
    this.weights = new float[outH * outW * taps];
    for (int uy = 0; uy < outH; uy++) {
      for (int ux = 0; ux < outW; ux++) {
        for (int ky = 0; ky < side; ky++) {
          for (int kx = 0; kx < side; kx++) {
            int iy = uy / step + ky - padding;
            int ix = ux / step + kx - padding;
            double dy = uy - (m + step * (double) iy);
            double dx = ux - (m + step * (double) ix);
            double z = Math.sqrt(dy * dy + dx * dx) / sigma;
            double t = Math.max(z - 0.5, 0);
            weights[(uy * outW + ux) * taps + ky * side + kx] = (float) Math.exp(-2 * t * t);
          }
        }
      }
    }
  }

  /** Parameter values per mask. */
  int parameters() {
    return inH * inW;
  }

  /** Values of the whole mask [outH*outW] (clamped to [0,1]). */
  float[] generate(float[] p) {
    int side = 2 * radius + 1;
    float[] out = new float[outH * outW];
    double[] a = new double[taps];
    for (int uy = 0; uy < outH; uy++) {
      for (int ux = 0; ux < outW; ux++) {
        int u = uy * outW + ux;
        double max = fill(p, uy, ux, side, u, a);
        double num = 0;
        double den = 0;
        for (int k = 0; k < taps; k++) {
          double e = Math.exp(coldness * (a[k] - max));
          num += a[k] * e;
          den += e;
        }
        out[u] = (float) Math.min(1, Math.max(0, num / den));
      }
    }
    return out;
  }

  /** The mask's crop at the image [H*W]. */
  float[] crop(float[] full) {
    float[] out = new float[height * width];
    for (int y = 0; y < height; y++) {
      System.arraycopy(full, (y + margin) * outW + margin, out, y * width, width);
    }
    return out;
  }

  /**
   * The gradient with respect to p of a function whose gradient with respect to the whole mask is
   * {@code dMask} [outH*outW].
   */
  float[] backward(float[] p, float[] dMask) {
    int side = 2 * radius + 1;
    float[] dp = new float[p.length];
    double[] a = new double[taps];
    double[] e = new double[taps];
    for (int uy = 0; uy < outH; uy++) {
      for (int ux = 0; ux < outW; ux++) {
        int u = uy * outW + ux;
        double g = dMask[u];
        if (g == 0) {
          continue;
        }
        double max = fill(p, uy, ux, side, u, a);
        double den = 0;
        double num = 0;
        for (int k = 0; k < taps; k++) {
          e[k] = Math.exp(coldness * (a[k] - max));
          den += e[k];
          num += a[k] * e[k];
        }
        double mask = num / den;
        if (mask > 1 || mask < 0) {
          continue;
        }
        for (int k = 0; k < taps; k++) {
          int iy = uy / step + k / side - padding;
          int ix = ux / step + k % side - padding;
          if (iy < 0 || iy >= inH || ix < 0 || ix >= inW) {
            continue;
          }
          double s = e[k] / den;
          double dA = s * (1 + coldness * (a[k] - mask));
          dp[iy * inW + ix] += (float) (g * dA * weights[u * taps + k]);
        }
      }
    }
    return dp;
  }

  /** Fills a with the weighted parameters of the taps of u; returns their maximum. */
  private double fill(float[] p, int uy, int ux, int side, int u, double[] a) {
    double max = Double.NEGATIVE_INFINITY;
    int by = uy / step - padding;
    int bx = ux / step - padding;
    for (int k = 0; k < taps; k++) {
      int iy = by + k / side;
      int ix = bx + k % side;
      double v = iy < 0 || iy >= inH || ix < 0 || ix >= inW ? 0 : p[iy * inW + ix];
      a[k] = weights[u * taps + k] * v;
      max = Math.max(max, a[k]);
    }
    return max;
  }
}
