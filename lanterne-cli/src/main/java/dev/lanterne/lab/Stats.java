package dev.lanterne.lab;

import java.util.List;
import java.util.Locale;

/** Mean and sample standard deviation for the report's "mean ± sd" cells. */
final class Stats {
  private Stats() {}

  static double mean(List<Double> v) {
    double s = 0;
    for (double x : v) {
      s += x;
    }
    return v.isEmpty() ? Double.NaN : s / v.size();
  }

  /** Sample standard deviation (n - 1); 0 for a single value. */
  static double sd(List<Double> v) {
    if (v.size() < 2) {
      return v.isEmpty() ? Double.NaN : 0;
    }
    double m = mean(v);
    double s = 0;
    for (double x : v) {
      s += (x - m) * (x - m);
    }
    return Math.sqrt(s / (v.size() - 1));
  }

  /** "0.123 ± 0.045". */
  static String pm(List<Double> v) {
    return String.format(Locale.ROOT, "%.3f ± %.3f", mean(v), sd(v));
  }

  /** Spearman's rank correlation of two maps (average ranks for ties). */
  static double spearman(float[] a, float[] b) {
    double[] ra = dev.lanterne.metrics.Ranking.averageRanks(a);
    double[] rb = dev.lanterne.metrics.Ranking.averageRanks(b);
    double ma = 0;
    double mb = 0;
    for (int i = 0; i < ra.length; i++) {
      ma += ra[i];
      mb += rb[i];
    }
    ma /= ra.length;
    mb /= rb.length;
    double cov = 0;
    double va = 0;
    double vb = 0;
    for (int i = 0; i < ra.length; i++) {
      cov += (ra[i] - ma) * (rb[i] - mb);
      va += (ra[i] - ma) * (ra[i] - ma);
      vb += (rb[i] - mb) * (rb[i] - mb);
    }
    return va > 0 && vb > 0 ? cov / Math.sqrt(va * vb) : 0;
  }
}
