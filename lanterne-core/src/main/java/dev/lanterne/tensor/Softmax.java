package dev.lanterne.tensor;

/** Numerically stable softmax over rows of class scores, accumulated in double precision. */
public final class Softmax {
  private Softmax() {}

  /** Softmax of scores[offset .. offset+count) into a new array. */
  public static float[] of(float[] scores, int offset, int count) {
    float[] p = new float[count];
    System.arraycopy(scores, offset, p, 0, count);
    inPlace(p, 0, count);
    return p;
  }

  /** The probability of class k in the row scores[offset .. offset+count). */
  public static float at(float[] scores, int offset, int count, int k) {
    double max = max(scores, offset, count);
    double sum = 0;
    for (int j = 0; j < count; j++) {
      sum += Math.exp(scores[offset + j] - max);
    }
    return (float) (Math.exp(scores[offset + k] - max) / sum);
  }

  /** Replaces each of the n rows of k scores by its softmax. */
  public static void rowsInPlace(float[] x, int n, int k) {
    double[] exps = new double[k];
    for (int r = 0; r < n; r++) {
      inPlace(x, r * k, k, exps);
    }
  }

  private static void inPlace(float[] x, int offset, int count) {
    inPlace(x, offset, count, new double[count]);
  }

  /**
   * Each exponential is taken once and kept in exps: taken twice, they were 2% of a RISE run (1000
   * classes per mask).
   */
  private static void inPlace(float[] x, int offset, int count, double[] exps) {
    double max = max(x, offset, count);
    double sum = 0;
    for (int j = 0; j < count; j++) {
      exps[j] = Math.exp(x[offset + j] - max);
      sum += exps[j];
    }
    for (int j = 0; j < count; j++) {
      x[offset + j] = (float) (exps[j] / sum);
    }
  }

  private static double max(float[] x, int offset, int count) {
    double max = Double.NEGATIVE_INFINITY;
    for (int j = 0; j < count; j++) {
      max = Math.max(max, x[offset + j]);
    }
    return max;
  }
}
