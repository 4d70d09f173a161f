package dev.lanterne.explain.inversion;

/**
 * What gradient ascent climbs, for a batch of n images optimised together: one call returns the
 * scores and the gradient of the objective at x (and, when the graph can do it, the updated image).
 */
public interface AscentObjective {
  /** {channels, height, width} of the images being optimised. */
  int[] shape();

  /**
   * One evaluation at x [n,C,H,W].
   *
   * @param lr learning rate for the graph's own update (ignored where {@link Step#next} is null); with
   *     lr = l2 = 0 the step is the gradient alone
   * @param l2 L2 decay for the graph's own update
   */
  Step step(float[] x, int n, float lr, float l2);

  /** The objective of image i from its scores row (e.g. the target class logit). */
  float objective(float[] scores, int i);

  /** The probability of image i's target class, or NaN where there is none (a layer objective). */
  float probability(float[] scores, int i);

  /**
   * @param next x + lr * g - lr * l2 * x computed by the graph, or null where the caller updates
   * @param gradient d objective / dx [n,C,H,W], not normalised; may be null where next is given
   * @param scores the scores at x, [n,K]
   */
  record Step(float[] next, float[] gradient, float[] scores) {}
}
