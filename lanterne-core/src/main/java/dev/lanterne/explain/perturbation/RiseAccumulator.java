package dev.lanterne.explain.perturbation;

/**
 * RISE's running sums sum_i score_c(x * M_i) * M_i for the classes of interest, and the
 * convergence check of untilStable. Its size is [classes, H, W], whatever the number of masks.
 */
final class RiseAccumulator implements MaskedBatchRunner.Sink {
  private final int[] classes;
  private final int plane;
  private final double[] sums;
  private final boolean untilStable;
  private final double tolerance;
  private final int checkEvery;
  /** The min-max normalised maps at the previous check, [classes, H, W]. */
  private final float[] previous;
  private boolean havePrevious;
  private int calmChecks;
  private double lastChange = Double.NaN;

  RiseAccumulator(int[] classes, int plane, RiseOptions options) {
    this.classes = classes.clone();
    this.plane = plane;
    this.sums = new double[classes.length * plane];
    this.untilStable = options.untilStable();
    this.tolerance = options.tolerance();
    this.checkEvery = options.checkEvery();
    this.previous = untilStable ? new float[classes.length * plane] : new float[0];
  }

  @Override
  public boolean accept(long index, float[] masks, int maskOffset, float[] scores, int scoreOffset) {
    for (int k = 0; k < classes.length; k++) {
      double s = scores[scoreOffset + classes[k]];
      int o = k * plane;
      for (int u = 0; u < plane; u++) {
        sums[o + u] += s * masks[maskOffset + u];
      }
    }
    if (untilStable && (index + 1) % checkEvery == 0) {
      return !converged();
    }
    return true;
  }

  /** Compares the normalised maps with the last check's; true after PATIENCE calm checks in a row. */
  private boolean converged() {
    double worst = 0;
    for (int k = 0; k < classes.length; k++) {
      int o = k * plane;
      double min = Double.POSITIVE_INFINITY;
      double max = Double.NEGATIVE_INFINITY;
      for (int u = 0; u < plane; u++) {
        min = Math.min(min, sums[o + u]);
        max = Math.max(max, sums[o + u]);
      }
      double range = max - min;
      double diff = 0;
      double norm = 0;
      for (int u = 0; u < plane; u++) {
        float v = range > 0 ? (float) ((sums[o + u] - min) / range) : 0f;
        double d = v - previous[o + u];
        diff += d * d;
        norm += (double) v * v;
        previous[o + u] = v;
      }
      worst = Math.max(worst, norm > 0 ? Math.sqrt(diff / norm) : Math.sqrt(diff));
    }
    boolean compared = havePrevious;
    havePrevious = true;
    if (!compared) {
      return false;
    }
    lastChange = worst;
    calmChecks = worst < tolerance ? calmChecks + 1 : 0;
    return calmChecks >= RiseOptions.PATIENCE;
  }

  /** The relative change at the last check (NaN before the second check). */
  double lastChange() {
    return lastChange;
  }

  /** Bytes of the running sums and the convergence state. */
  long bytes() {
    return (long) sums.length * Double.BYTES + (long) previous.length * Float.BYTES;
  }

  /** The saliency map of class number k (its position in classes): sum / (N * meanMask). */
  float[] map(int k, long used, double meanMask) {
    float[] out = new float[plane];
    double f = 1.0 / (used * meanMask);
    for (int u = 0; u < plane; u++) {
      out[u] = (float) (sums[k * plane + u] * f);
    }
    return out;
  }
}
