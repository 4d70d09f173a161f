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

  /**
   * One step of an ascent loop that keeps only the updated image: as {@link #step} with the gradient
   * left out (null). A compiled graph then hands back one image-sized output per step instead of two.
   */
  default Result update(float[] x, int n, float[] seed, float lr, float l2) {
    Result r = step(x, n, seed, lr, l2);
    return new Result(r.next(), null, r.scores());
  }

  /** The gradient and the scores at x, without the updated image (null): for loops that update in Java. */
  default Result gradient(float[] x, int n, float[] seed) {
    Result r = step(x, n, seed, 0f, 0f);
    return new Result(null, r.gradient(), r.scores());
  }

  /**
   * The updated image [n,C,H,W], the raw gradient [n,C,H,W] and the scores at x [n,K]; {@link #update}
   * leaves out the gradient and {@link #gradient} the image.
   */
  record Result(float[] next, float[] gradient, float[] scores) {}

  @Override
  void close();
}
