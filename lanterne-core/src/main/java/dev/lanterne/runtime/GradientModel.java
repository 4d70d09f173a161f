package dev.lanterne.runtime;

/**
 * Anything that returns class scores and their input gradient for a batch: the compiled saliency
 * graph, or the black-box finite-difference estimator for models the compiler cannot differentiate.
 */
public interface GradientModel extends AutoCloseable {
  /** Input shape of one image: {channels, height, width}. */
  int[] inputShape();

  int numClasses();

  /**
   * Scores y [n,K] and the gradient of sum(seed * y) with respect to x, [n,C,H,W], in one batched run.
   *
   * @param x inputs [n,C,H,W] in C order, already normalised
   * @param n batch size
   * @param seed weights [n,K]; a one-hot row per image gives d y[c] / d x for that image
   */
  Result gradient(float[] x, int n, float[] seed);

  /** Scores [n,K] and input gradient [n,C,H,W]. */
  record Result(float[] scores, float[] inputGradient) {}

  @Override
  void close();
}
