package dev.lanterne.metrics;

import dev.lanterne.LanterneException;
import java.util.Arrays;

/**
 * Orders and ranks of float maps, sorted on primitive keys: each value's order-preserving int bits
 * in the high word and its index in the low word, so one long sort orders by value, ties by index.
 */
public final class Ranking {
  private Ranking() {}

  /**
   * Indices of values from largest to smallest; equal values come highest index first, which is
   * numpy's {@code np.flip(np.argsort(x, kind="stable"))} as used by the RISE authors' evaluation.
   */
  public static int[] decreasingOrder(float[] values) {
    long[] keys = sortedKeys(values);
    int n = values.length;
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = (int) keys[n - 1 - i];
    }
    return order;
  }

  /** Ranks 1..n with ties given their average rank (the convention of Spearman's rho). */
  public static double[] averageRanks(float[] values) {
    long[] keys = sortedKeys(values);
    int n = values.length;
    double[] ranks = new double[n];
    int i = 0;
    while (i < n) {
      int j = i;
      int bits = (int) (keys[i] >> 32);
      while (j + 1 < n && (int) (keys[j + 1] >> 32) == bits) {
        j++;
      }
      double r = (i + j) / 2.0 + 1;
      for (int k = i; k <= j; k++) {
        ranks[(int) keys[k]] = r;
      }
      i = j + 1;
    }
    return ranks;
  }

  private static long[] sortedKeys(float[] values) {
    long[] keys = new long[values.length];
    for (int i = 0; i < values.length; i++) {
      float v = values[i];
      if (Float.isNaN(v)) {
        throw new LanterneException("the map has NaN at index " + i + "; a map must be finite to be ranked");
      }
      keys[i] = ((long) sortableBits(v == 0f ? 0f : v) << 32) | i;
    }
    Arrays.sort(keys);
    return keys;
  }

  /** An int whose signed order is the float's order (-0 folded into +0 by the caller). */
  private static int sortableBits(float v) {
    int b = Float.floatToIntBits(v);
    return b >= 0 ? b : b ^ 0x7fffffff;
  }
}
