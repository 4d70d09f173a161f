package dev.lanterne.explain.perturbation;

/**
 * RISE's running sums sum_i score_c(x * M_i) * M_i for the classes of interest, and the
 * convergence check of untilStable. Their size is about [classes, H, W], whatever the number of masks.
 *
 * <p>For a {@link SeparableMasks} family the sums are kept per vertical phase over the masks' lines,
 * [classes, phases, lines, W]: a mask is linear in its lines, so sum_i s_i M_i is the expansion of
 * sum_i s_i L_i taken phase by phase. Each mask then costs lines x W products instead of H x W
 * (7 x 224 against 224 x 224 for the paper's 7 x 7 grids), and the maps are expanded when read.
 */
final class RiseAccumulator implements MaskedBatchRunner.LineSink {
  private final int[] classes;
  private final int plane;
  /** The family, when the sums are kept over lines; null for whole masks. */
  private final SeparableMasks separable;
  /** Doubles per class: plane, or phases x lines x width. */
  private final int perClass;
  private final double[] sums;
  private final boolean untilStable;
  private final double tolerance;
  private final int checkEvery;
  /** The min-max normalised maps at the previous check, [classes, H, W]. */
  private final float[] previous;
  private boolean havePrevious;
  private int calmChecks;
  private double lastChange = Double.NaN;

  /**
   * @param masks the family the masks come from: sums over lines when it is a {@link SeparableMasks}
   *     (the runner then passes lines, see {@link MaskedBatchRunner.LineSink}), over whole masks otherwise
   */
  RiseAccumulator(int[] classes, int plane, MaskGenerator masks, RiseOptions options) {
    this.classes = classes.clone();
    this.plane = plane;
    this.separable = masks instanceof SeparableMasks s ? s : null;
    this.perClass = separable == null ? plane
        : separable.phaseCount() * separable.lineCount() * separable.width();
    this.sums = new double[classes.length * perClass];
    this.untilStable = options.untilStable();
    this.tolerance = options.tolerance();
    this.checkEvery = options.checkEvery();
    this.previous = untilStable ? new float[classes.length * plane] : new float[0];
  }

  @Override
  public boolean accept(long index, float[] masks, int maskOffset, float[] scores, int scoreOffset) {
    if (separable != null) {
      throw new IllegalStateException("these sums take the masks as lines");
    }
    add(masks, maskOffset, 0, plane, scores, scoreOffset);
    return next(index);
  }

  @Override
  public boolean acceptLines(long index, float[] lines, int lineOffset, int phase, float[] scores,
      int scoreOffset) {
    int n = separable.lineCount() * separable.width();
    add(lines, lineOffset, phase * n, n, scores, scoreOffset);
    return next(index);
  }

  /** sums[k][at, at + n) += score_k * values[from, from + n) for every class k. */
  private void add(float[] values, int from, int at, int n, float[] scores, int scoreOffset) {
    for (int k = 0; k < classes.length; k++) {
      double s = scores[scoreOffset + classes[k]];
      int o = k * perClass + at;
      for (int u = 0; u < n; u++) {
        sums[o + u] += s * values[from + u];
      }
    }
  }

  private boolean next(long index) {
    if (untilStable && (index + 1) % checkEvery == 0) {
      return !converged();
    }
    return true;
  }

  /** Whether untilStable saw the maps settle (PATIENCE calm checks in a row) before the mask limit. */
  boolean settled() {
    return calmChecks >= RiseOptions.PATIENCE;
  }

  /** Compares the normalised maps with the last check's; true after PATIENCE calm checks in a row. */
  private boolean converged() {
    double worst = 0;
    for (int k = 0; k < classes.length; k++) {
      double[] sum = sum(k);
      double min = Double.POSITIVE_INFINITY;
      double max = Double.NEGATIVE_INFINITY;
      for (int u = 0; u < plane; u++) {
        min = Math.min(min, sum[u]);
        max = Math.max(max, sum[u]);
      }
      double range = max - min;
      double diff = 0;
      double norm = 0;
      int o = k * plane;
      for (int u = 0; u < plane; u++) {
        float v = range > 0 ? (float) ((sum[u] - min) / range) : 0f;
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
    double[] sum = sum(k);
    float[] out = new float[plane];
    double f = 1.0 / (used * meanMask);
    for (int u = 0; u < plane; u++) {
      out[u] = (float) (sum[u] * f);
    }
    return out;
  }

  /** sum_i s_i M_i of class number k, [H, W]: the sums themselves, or their lines expanded phase by phase. */
  private double[] sum(int k) {
    if (separable == null) {
      return java.util.Arrays.copyOfRange(sums, k * plane, (k + 1) * plane);
    }
    int w = separable.width();
    int lines = separable.lineCount();
    double[] out = new double[plane];
    for (int phase = 0; phase < separable.phaseCount(); phase++) {
      int base = k * perClass + phase * lines * w;
      if (isZero(base, lines * w)) {
        continue;
      }
      for (int y = 0; y < separable.height(); y++) {
        int lo = base + separable.lowLine(phase, y) * w;
        int hi = base + separable.highLine(phase, y) * w;
        double t = separable.highWeight(phase, y);
        int o = y * w;
        for (int x = 0; x < w; x++) {
          double a = sums[lo + x];
          out[o + x] += a + t * (sums[hi + x] - a);
        }
      }
    }
    return out;
  }

  /** Whether sums[from, from + n) are all zero: a phase no mask fell in. */
  private boolean isZero(int from, int n) {
    for (int u = from; u < from + n; u++) {
      if (sums[u] != 0) {
        return false;
      }
    }
    return true;
  }
}
