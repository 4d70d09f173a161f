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

  static double pearson(double[] a, double[] b) {
    double ma = 0;
    double mb = 0;
    for (int i = 0; i < a.length; i++) {
      ma += a[i];
      mb += b[i];
    }
    ma /= a.length;
    mb /= b.length;
    double sab = 0;
    double saa = 0;
    double sbb = 0;
    for (int i = 0; i < a.length; i++) {
      sab += (a[i] - ma) * (b[i] - mb);
      saa += (a[i] - ma) * (a[i] - ma);
      sbb += (b[i] - mb) * (b[i] - mb);
    }
    return sab / Math.sqrt(saa * sbb);
  }

  static double[] toDouble(float[] v, int off, int len) {
    double[] out = new double[len];
    for (int i = 0; i < len; i++) {
      out[i] = v[off + i];
    }
    return out;
  }
}
