package dev.lanterne.metrics;

/**
 * Quantus's complexity and sparseness of an attribution map, on the absolute values:
 * <ul>
 *   <li>complexity (Bhatt et al. 2020, Quantus {@code Complexity}): the entropy -sum p log p
 *       (natural log) of p = |a| / sum |a|; log n for a uniform map, 0 for a single pixel. Lower is
 *       simpler.</li>
 *   <li>sparseness (Chalasani et al. 2020, Quantus {@code Sparseness}): the Gini index of |a|,
 *       sum_k (2k - n - 1) a_(k) / (n sum a) over the values sorted ascending; 0 for a uniform map,
 *       1 - 1/n for a single pixel. Higher is sparser. (Quantus adds 1e-7 to every value first; here
 *       an all-zero map gives 0.)</li>
 * </ul>
 */
public final class MapComplexity {
  private MapComplexity() {}

  /** Entropy of the normalised absolute map, in nats; 0 for an all-zero map. */
  public static double complexity(float[] map) {
    double sum = 0;
    for (float v : map) {
      sum += Math.abs(v);
    }
    if (!(sum > 0)) {
      return 0;
    }
    double h = 0;
    for (float v : map) {
      double p = Math.abs(v) / sum;
      if (p > 0) {
        h -= p * Math.log(p);
      }
    }
    return h;
  }

  /** Gini index of the absolute map; 0 for an all-zero map. */
  public static double sparseness(float[] map) {
    int n = map.length;
    double[] a = new double[n];
    double sum = 0;
    for (int i = 0; i < n; i++) {
      a[i] = Math.abs(map[i]);
      sum += a[i];
    }
    if (!(sum > 0)) {
      return 0;
    }
    java.util.Arrays.sort(a);
    double s = 0;
    for (int k = 1; k <= n; k++) {
      s += (2.0 * k - n - 1) * a[k - 1];
    }
    return s / (n * sum);
  }
}
