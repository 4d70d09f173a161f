package dev.lanterne.grad;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanterne.runtime.Classifier;
import dev.lanterne.runtime.GradientModel;
import dev.lanterne.runtime.RuntimeOptions;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class FiniteDifferenceGradientTest {
  private static final RuntimeOptions OPTIONS = RuntimeOptions.DEFAULT.withThreads(1).withMaxBatch(64);

  private static double relativeError(float[] a, float[] b) {
    double d = 0;
    double n = 0;
    for (int i = 0; i < a.length; i++) {
      d += Math.pow(a[i] - b[i], 2);
      n += Math.pow(b[i], 2);
    }
    return Math.sqrt(d / n);
  }

  @Test
  void estimatesTheGradientOfASmoothModel() {
    // 12 inputs: with m directions the estimate's relative error is about sqrt((12 + 1) / m)
    TanhModel m = new TanhModel(3, 2, 2, 6, 4, 5);
    float[] x = {0.3f, -1.2f, 0.8f, 0.1f, -0.4f, 1.5f, -0.9f, 0.2f, 0.6f, -0.3f, 1.1f, -0.7f};
    float[] seed = {0, 1, 0, 0.5f};
    try (Classifier plain = Classifier.open(m.onnx(), "tanh", OPTIONS);
        GradientModel fd = new FiniteDifferenceGradient(plain, new FiniteDifferenceGradient.Options(4000, 0.01, 1))) {
      GradientModel.Result r = fd.gradient(x, 1, seed);
      GradientModel.Result exact = m.gradient(x, 1, seed);
      double err = relativeError(r.inputGradient(), exact.inputGradient());
      System.out.printf("finite-difference estimate, 4000 directions: relative error %.3f%n", err);
      assertTrue(err < 0.15, "relative error " + err);
      assertArrayEquals(exact.scores(), r.scores(), 1e-5f);
      try (GradientModel few = new FiniteDifferenceGradient(plain, new FiniteDifferenceGradient.Options(20, 0.01, 1))) {
        double errFew = relativeError(few.gradient(x, 1, seed).inputGradient(), exact.inputGradient());
        assertTrue(errFew > err, "20 directions (" + errFew + ") should be worse than 4000 (" + err + ")");
      }
    }
  }

  @Test
  void reproducibleAndTheSameAloneOrInABatch() {
    TanhModel m = new TanhModel(1, 3, 3, 4, 3, 7);
    float[] a = new float[9];
    float[] b = new float[9];
    for (int i = 0; i < 9; i++) {
      a[i] = i * 0.2f - 0.8f;
      b[i] = 0.5f - i * 0.1f;
    }
    float[] both = Arrays.copyOf(a, 18);
    System.arraycopy(b, 0, both, 9, 9);
    try (Classifier plain = Classifier.open(m.onnx(), "tanh", OPTIONS)) {
      FiniteDifferenceGradient fd = new FiniteDifferenceGradient(plain, new FiniteDifferenceGradient.Options(16, 0.05, 3));
      float[] batch = fd.gradient(both, 2, new float[] {1, 0, 0, 0, 0, 1}).inputGradient();
      float[] first = fd.gradient(a, 1, new float[] {1, 0, 0}).inputGradient();
      float[] second = fd.gradient(b, 1, new float[] {0, 0, 1}).inputGradient();
      assertArrayEquals(first, Arrays.copyOfRange(batch, 0, 9));
      assertArrayEquals(second, Arrays.copyOfRange(batch, 9, 18));
      assertArrayEquals(first, fd.gradient(a, 1, new float[] {1, 0, 0}).inputGradient(), "same seed, same result");
      FiniteDifferenceGradient other = new FiniteDifferenceGradient(plain,
          new FiniteDifferenceGradient.Options(16, 0.05, 4));
      assertFalse(Arrays.equals(first, other.gradient(a, 1, new float[] {1, 0, 0}).inputGradient()));
    }
  }

  @Test
  void rejectsBadOptions() {
    assertThrows(IllegalArgumentException.class, () -> new FiniteDifferenceGradient.Options(0, 0.1, 0));
    assertThrows(IllegalArgumentException.class, () -> new FiniteDifferenceGradient.Options(8, 0, 0));
  }
}
