package dev.lanterne.runtime;

/**
 * Runs the Grad-CAM graph: scores, the chosen layer's activation A and d(sum seed*y)/dA.
 */
public interface CamModel extends AutoCloseable {
  int[] inputShape();

  int numClasses();

  /** Name of the layer tensor whose activation is returned. */
  String layer();

  /** How the layer holds its map before it is read as [n,c,h,w]: "NCHW", "NHWC" or "tokens P+hxw". */
  default String layout() {
    return "NCHW";
  }

  /**
   * @param x inputs [n,C,H,W]
   * @param seed weights [n,K]
   */
  Result run(float[] x, int n, float[] seed);

  /**
   * @param scores [n,K]
   * @param activation [n,c,h,w]
   * @param activationGradient [n,c,h,w]
   * @param activationShape {n,c,h,w}
   */
  record Result(float[] scores, float[] activation, float[] activationGradient, int[] activationShape) {}

  @Override
  void close();
}
