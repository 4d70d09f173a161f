package dev.lanterne.grad;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanterne.runtime.Classifier;
import dev.lanterne.runtime.GradientModel;
import dev.lanterne.runtime.RuntimeOptions;
import dev.lanterne.testing.SharedData;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class GradientCheckTest {
  private static final RuntimeOptions OPTIONS = RuntimeOptions.DEFAULT.withThreads(1);

  /** Tolerances a smooth float32 model must meet (the defaults allow for ReLU networks). */
  private static final GradientCheck.Options TIGHT = new GradientCheck.Options(8, 4, new double[] {1e-3, 1e-2},
      new double[] {1e-2, 3e-2}, 1e-5, 5e-3, 5e-3, 0, 1, 8, new double[] {1e-2}, 1e-3);

  private static float[] image(int size, long seed) {
    float[] x = new float[size];
    SplittableRandom rnd = new SplittableRandom(seed);
    for (int i = 0; i < size; i++) {
      x[i] = (float) rnd.nextGaussian();
    }
    return x;
  }

  /** A gradient model that changes the gradient of another one. */
  static GradientModel altered(GradientModel inner, UnaryOperator<float[]> change) {
    return new GradientModel() {
      @Override
      public int[] inputShape() {
        return inner.inputShape();
      }

      @Override
      public int numClasses() {
        return inner.numClasses();
      }

      @Override
      public Result gradient(float[] x, int n, float[] seed) {
        Result r = inner.gradient(x, n, seed);
        return new Result(r.scores(), change.apply(r.inputGradient().clone()));
      }

      @Override
      public void close() {}
    };
  }

  @Test
  void analyticGradientOfSmoothModelPasses() {
    TanhModel m = new TanhModel(3, 6, 6, 8, 5, 1);
    try (Classifier plain = Classifier.open(m.onnx(), "tanh", OPTIONS)) {
      float[] x = image(108, 2);
      for (GradientCheck.Options o : new GradientCheck.Options[] {GradientCheck.Options.DEFAULT, TIGHT}) {
        GradientCheck.Report r = GradientCheck.run(m, plain, x, 3, o);
        System.out.print(r.format());
        assertTrue(r.passed(), r.format());
        assertEquals(4, r.checks().size());
      }
    }
  }

  @Test
  void gradientScaledByTenPercentFailsOnSmoothModel() {
    TanhModel m = new TanhModel(3, 6, 6, 8, 5, 1);
    try (Classifier plain = Classifier.open(m.onnx(), "tanh", OPTIONS)) {
      GradientModel scaled = altered(m, g -> {
        for (int i = 0; i < g.length; i++) {
          g[i] *= 1.1f;
        }
        return g;
      });
      GradientCheck.Report r = GradientCheck.run(scaled, plain, image(108, 2), 3, TIGHT);
      assertTrue(r.checks().get(0).passed(), "scores are right");
      assertFalse(r.checks().get(1).passed(), r.format());
      assertFalse(r.checks().get(2).passed(), r.format());
      assertEquals(0.1 / 1.1, r.checks().get(2).relativeError(), 2e-3, "the grid sees the 10% scale");
    }
  }

  @Test
  void oneFlippedCoordinateFailsTheGridCheck() {
    TanhModel m = new TanhModel(3, 4, 4, 8, 5, 3);
    try (Classifier plain = Classifier.open(m.onnx(), "tanh", OPTIONS)) {
      float[] x = image(48, 4);
      // flip the largest partial derivative: the 4x4 grid of a 4x4 image covers every coordinate
      float[] g = m.gradient(x, 1, oneHot(5, 2)).inputGradient();
      int worst = 0;
      for (int i = 0; i < g.length; i++) {
        worst = Math.abs(g[i]) > Math.abs(g[worst]) ? i : worst;
      }
      int flipped = worst;
      GradientModel wrong = altered(m, v -> {
        v[flipped] = -v[flipped];
        return v;
      });
      GradientCheck.Options noJitter = new GradientCheck.Options(8, 4, new double[] {1e-3, 1e-2},
          new double[] {1e-2, 3e-2}, 1e-3, 0.1, 0.25, 0, 0, 0, new double[] {1}, 0);
      assertTrue(GradientCheck.run(m, plain, x, 2, noJitter).passed());
      GradientCheck.Report r = GradientCheck.run(wrong, plain, x, 2, noJitter);
      assertFalse(r.checks().get(2).passed(), r.format());
      assertFalse(r.passed());
    }
  }

  private static float[] oneHot(int k, int c) {
    float[] s = new float[k];
    s[c] = 1;
    return s;
  }

  /**
   * PyTorch autograd's gradient (../shared/refs) on a real torchvision model passes the default
   * check, and the same gradient shifted by one pixel fails it. No jitter: the reference exists only
   * at the reference input (MobileNetV3 has no max pooling, so no ties there).
   */
  @Test
  void pytorchGradientOfMobileNetV3PassesAndShiftedOneFails() {
    try (Classifier plain = Classifier.open(SharedData.torchvision("mobilenet_v3_small"),
        RuntimeOptions.DEFAULT.withMaxBatch(16))) {
      RefGradient ref = new RefGradient(plain, "mobilenet_v3_small", 1);
      GradientCheck.Options d = GradientCheck.Options.DEFAULT;
      GradientCheck.Options o = new GradientCheck.Options(d.directions(), d.grid(), d.directionSteps(),
          d.pixelSteps(), d.scoreTolerance(), d.directionTolerance(), d.gridTolerance(), 0, d.seed(), 0, new double[] {1}, 0);
      float[] x = ref.input.slice(0).data();
      int target = (int) ref.targets[0];
      GradientCheck.Report good = GradientCheck.run(ref, plain, x, target, o);
      System.out.print(good.format());
      assertTrue(good.passed(), good.format());
      GradientModel shifted = altered(ref, g -> {
        float[] s = new float[g.length];
        System.arraycopy(g, 0, s, 1, g.length - 1);
        return s;
      });
      GradientCheck.Report bad = GradientCheck.run(shifted, plain, x, target, o);
      assertFalse(bad.checks().get(1).passed(), bad.format());
      assertFalse(bad.checks().get(2).passed(), bad.format());
    }
  }
}
