package dev.lanterne.explain.gradient;

/** Test statistics: per-image min-max normalisation (as refs/README.md) and Pearson correlation. */
final class MapStats {
  private MapStats() {}

  static double[] minMax(float[] v, int off, int len) {
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < len; i++) {
      lo = Math.min(lo, v[off + i]);
      hi = Math.max(hi, v[off + i]);
    }
    double[] out = new double[len];
    for (int i = 0; i < len; i++) {
      out[i] = hi > lo ? (v[off + i] - lo) / (hi - lo) : 0;
    }
    return out;
  }

  /** The library's Pearson correlation (metrics.Spearman), so tests and the lab share one. */
  static double pearson(double[] a, double[] b) {
    return dev.lanterne.metrics.Spearman.pearson(a, b);
  }

  static double[] toDouble(float[] v, int off, int len) {
    double[] out = new double[len];
    for (int i = 0; i < len; i++) {
      out[i] = v[off + i];
    }
    return out;
  }
}
