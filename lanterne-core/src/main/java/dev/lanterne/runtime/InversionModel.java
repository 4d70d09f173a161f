package dev.lanterne.runtime;

/**
 * Runs the inversion-step graph: x_next = x + lr * g - lr * l2 * x, where g is the gradient of
 * sum(seed * y) (optionally normalised by its mean absolute value), one ONNX Runtime call a step.
 */
public interface InversionModel extends AutoCloseable {
  int[] inputShape();

  int numClasses();

  /**
   * @param x images [n,C,H,W]
   * @param seed weights [n,K]
   * @param lr learning rate
   * @param l2 L2 decay
   */
  Result step(float[] x, int n, float[] seed, float lr, float l2);

  /** The updated image [n,C,H,W], the raw gradient [n,C,H,W] and the scores at x [n,K]. */
  record Result(float[] next, float[] gradient, float[] scores) {}

  @Override
  void close();
}
