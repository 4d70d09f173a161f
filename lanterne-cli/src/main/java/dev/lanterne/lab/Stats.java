package dev.lanterne.lab;

import java.util.List;
import java.util.Locale;

/** Mean and sample standard deviation for the report's "mean ± sd" cells. */
final class Stats {
  private Stats() {}

  /** The mean of an array (NaN when empty). */
  static double mean(double[] v) {
    double sum = 0;
    for (double x : v) {
      sum += x;
    }
    return sum / v.length;
  }

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

  /** Pearson's correlation of two equally long vectors (NaN when one is constant). */
  static double pearson(float[] a, float[] b) {
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

  /** Spearman's rank correlation of two maps (average ranks for ties); 0 when either map is constant. */
  static double spearman(float[] a, float[] b) {
    double rho = dev.lanterne.metrics.Spearman.correlation(a, b);
    return Double.isNaN(rho) ? 0 : rho;
  }
}
