package dev.lanterne.explain.gradient;

/** Argument checks shared by the gradient methods. */
final class Inputs {
  private Inputs() {}

  static void check(float[] images, int n, int per) {
    if (n < 1) {
      throw new IllegalArgumentException("need at least one image, got n=" + n);
    }
    if (images.length != n * per) {
      throw new IllegalArgumentException(
          "expected " + n + " images of " + per + " values (" + n * per + "), got " + images.length);
    }
  }
}
