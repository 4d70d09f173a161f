package dev.lanterne.runtime;

/**
 * Runs a transformer's attention graph: the scores, every block's attention map and, for gradient
 * methods, their gradients.
 */
public interface AttentionModel extends AutoCloseable {
  /** {C,H,W} of one input. */
  int[] inputShape();

  /** Number of classes K. */
  int numClasses();

  /** Heads per block. */
  int heads();

  /** Tokens T of the sequence (class and patch tokens). */
  int tokens();

  /** Number of attention maps (blocks). */
  int blocks();

  /** Whether {@link Result#gradients} is filled. */
  boolean hasGradients();

  /**
   * @param x inputs [n,C,H,W]
   * @param seed weights [n,K] of the scores whose gradient is taken (ignored without gradients)
   */
  Result run(float[] x, int n, float[] seed);

  /**
   * @param scores [n,K]
   * @param attention per block, [n,heads,T,T] (rows: queries, summing to 1)
   * @param gradients per block, d(sum seed*y)/d attention in the same layout, or null
   */
  record Result(float[] scores, float[][] attention, float[][] gradients) {}

  @Override
  void close();
}
