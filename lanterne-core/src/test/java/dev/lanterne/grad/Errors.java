package dev.lanterne.grad;

/** Error measures for comparing tensors in tests. */
final class Errors {
  private Errors() {}

  /** ||a - b|| / ||b||. */
  static double relL2(float[] a, float[] b) {
    if (a.length != b.length) {
      throw new AssertionError("lengths differ: " + a.length + " vs " + b.length);
    }
    double num = 0;
    double den = 0;
    for (int i = 0; i < a.length; i++) {
      if (!Float.isFinite(a[i]) || !Float.isFinite(b[i])) {
        // a NaN reference (or result) must fail a comparison, never pass it as a zero error
        throw new AssertionError("non-finite value at " + i + ": " + a[i] + " vs reference " + b[i]);
      }
      double d = (double) a[i] - b[i];
      num += d * d;
      den += (double) b[i] * b[i];
    }
    return Math.sqrt(num / Math.max(den, 1e-300));
  }
}
