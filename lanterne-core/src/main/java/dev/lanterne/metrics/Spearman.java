package dev.lanterne.metrics;

/**
 * Spearman's rank correlation: the Pearson correlation of average ranks (ties share their mean
 * rank), as scipy.stats.spearmanr computes it.
 */
public final class Spearman {
  private Spearman() {}

  /** Rank correlation of a and b; NaN when either is constant (the correlation is undefined then). */
  public static double correlation(float[] a, float[] b) {
    if (a.length != b.length) {
      throw new IllegalArgumentException("maps of " + a.length + " and " + b.length + " values cannot be compared");
    }
    if (a.length < 2) {
      return Double.NaN;
    }
    return pearson(Ranking.averageRanks(a), Ranking.averageRanks(b));
  }

  /** Rank correlation of |a| and |b| (Adebayo et al. report both, since sign conventions differ). */
  public static double absoluteCorrelation(float[] a, float[] b) {
    return correlation(abs(a), abs(b));
  }

  static double pearson(double[] x, double[] y) {
    int n = x.length;
    double mx = 0;
    double my = 0;
    for (int i = 0; i < n; i++) {
      mx += x[i];
      my += y[i];
    }
    mx /= n;
    my /= n;
    double sxy = 0;
    double sxx = 0;
    double syy = 0;
    for (int i = 0; i < n; i++) {
      double dx = x[i] - mx;
      double dy = y[i] - my;
      sxy += dx * dy;
      sxx += dx * dx;
      syy += dy * dy;
    }
    if (sxx == 0 || syy == 0) {
      return Double.NaN;
    }
    return sxy / Math.sqrt(sxx * syy);
  }

  private static float[] abs(float[] v) {
    float[] out = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = Math.abs(v[i]);
    }
    return out;
  }
}
