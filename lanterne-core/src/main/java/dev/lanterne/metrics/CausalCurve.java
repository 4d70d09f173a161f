package dev.lanterne.metrics;

/**
 * One deletion or insertion game: the class score after each step, from the start image (step 0)
 * to the finished one (step n).
 *
 * @param game "deletion" or "insertion"
 * @param substrate what deleted pixels became, or what insertion started from
 * @param classIndex the class whose score was followed
 * @param pixelsPerStep pixels changed per step (the last step may change fewer)
 * @param scores the class score at each of the n + 1 points
 */
public record CausalCurve(String game, Substrate substrate, int classIndex, int pixelsPerStep, float[] scores) {
  /**
   * Copies the scores.
   *
   * @throws IllegalArgumentException when there are fewer than two points
   */
  public CausalCurve {
    if (scores.length < 2) {
      throw new IllegalArgumentException("a curve needs at least two points");
    }
    scores = scores.clone();
  }

  @Override
  public float[] scores() {
    return scores.clone();
  }

  /** The area under the curve, the x axis running from 0 to 1 over the steps. */
  public double auc() {
    return auc(scores);
  }

  /** Number of steps n (one less than the number of points). */
  public int steps() {
    return scores.length - 1;
  }

  /**
   * The RISE authors' normalised trapezoid: (sum - first / 2 - last / 2) / (points - 1), the
   * trapezoid rule with the points spread evenly over [0, 1].
   */
  public static double auc(float[] curve) {
    if (curve.length < 2) {
      throw new IllegalArgumentException("the area under a curve needs at least two points");
    }
    double sum = 0;
    for (float v : curve) {
      sum += v;
    }
    return (sum - curve[0] / 2.0 - curve[curve.length - 1] / 2.0) / (curve.length - 1);
  }
}
