package dev.lanterne.explain.gradient;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanterne.explain.Explanation;
import dev.lanterne.image.Normalization;
import dev.lanterne.runtime.GradientModel;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Saliency, SmoothGrad and Integrated Gradients on small hand-written models with known gradients. */
class GradientMethodsTest {
  private static final int[] CHW = {3, 6, 6};
  private static final int PER = 3 * 6 * 6;

  private static float[] images(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] x = new float[n * PER];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) r.nextGaussian();
    }
    return x;
  }

  @Test
  void tanhFixtureGradientMatchesFiniteDifferences() {
    TanhModel m = new TanhModel(CHW, 8, 5, 1);
    float[] x = images(1, 2);
    float[] seed = new float[5];
    seed[3] = 1;
    float[] g = m.gradient(x, 1, seed).inputGradient();
    for (int p = 0; p < PER; p += 7) {
      float[] plus = x.clone();
      float[] minus = x.clone();
      plus[p] += 1e-3f;
      minus[p] -= 1e-3f;
      double fd = (m.forward(plus, 0)[3] - m.forward(minus, 0)[3]) / (plus[p] - minus[p]);
      assertEquals(fd, g[p], 1e-4 + 1e-3 * Math.abs(fd), "pixel " + p);
    }
  }

  @Test
  void saliencyRunsAllClassesOfAllImagesInOneBatch() {
    TanhModel m = new TanhModel(CHW, 8, 5, 1);
    float[] x = images(2, 3);
    List<Explanation> all = new Saliency(m, Scoring.LOGITS).explain(x, 2, new int[][] {{1, 3}, {0}},
        Saliency.Options.DEFAULT);
    assertEquals(1, m.calls);
    assertEquals(3, m.rows);
    int[][] expected = {{0, 1}, {0, 3}, {1, 0}};
    for (int t = 0; t < 3; t++) {
      Explanation e = all.get(t);
      assertEquals(expected[t][0], e.image());
      assertEquals(expected[t][1], e.classIndex());
      float[] seed = new float[5];
      seed[e.classIndex()] = 1;
      float[] one = java.util.Arrays.copyOfRange(x, e.image() * PER, (e.image() + 1) * PER);
      float[] g = m.gradient(one, 1, seed).inputGradient();
      assertArrayEquals(g, e.raw().data(), 0f);
      for (int p = 0; p < 36; p++) {
        float max = Math.max(Math.abs(g[p]), Math.max(Math.abs(g[36 + p]), Math.abs(g[72 + p])));
        assertEquals(max, e.map().data()[p], 0f);
      }
      assertEquals((float) m.forward(one, 0)[e.classIndex()], e.score(), 1e-5f);
    }
  }

  @Test
  void smoothGradWithoutNoiseEqualsSaliency() {
    TanhModel m = new TanhModel(CHW, 8, 5, 4);
    float[] x = images(2, 5);
    int[][] classes = {{2}, {4, 1}};
    List<Explanation> plain = new Saliency(m, Scoring.LOGITS).explain(x, 2, classes, Saliency.Options.DEFAULT);
    m.calls = 0;
    SmoothGrad.Options options = SmoothGrad.Options.defaults(Normalization.IDENTITY).withNoiseLevel(0);
    List<Explanation> smooth = new SmoothGrad(m, Scoring.LOGITS).explain(x, 2, classes, options);
    assertEquals(2, m.calls, "one gradient call per image");
    for (int t = 0; t < plain.size(); t++) {
      assertArrayEquals(plain.get(t).map().data(), smooth.get(t).map().data(), 1e-6f);
      assertEquals(plain.get(t).score(), smooth.get(t).score(), 1e-6f);
    }
    // and noise does change it, so the comparison above means something
    List<Explanation> noisy = new SmoothGrad(m, Scoring.LOGITS).explain(x, 2, classes, options.withNoiseLevel(0.5));
    assertTrue(maxDiff(plain.get(0).map().data(), noisy.get(0).map().data()) > 1e-3);
  }

  /**
   * On y = 0.5 * sum(a x^2) the gradient is a * x, so with noise sigma_c per channel VarGrad is
   * a^2 sigma_c^2 with sigma_c = noise / std_c: checks the pixel-to-normalised conversion per channel.
   */
  @Test
  void varGradIsNonNegativeAndMatchesTheNoiseVariancePerChannel() {
    int[] chw = {3, 16, 16};
    int per = 3 * 256;
    float[] a = new float[per];
    SplittableRandom r = new SplittableRandom(9);
    for (int i = 0; i < per; i++) {
      a[i] = (float) (0.5 + r.nextDouble());
    }
    GradientModel quadratic = new GradientModel() {
      @Override
      public int[] inputShape() {
        return chw.clone();
      }

      @Override
      public int numClasses() {
        return 2;
      }

      @Override
      public Result gradient(float[] x, int n, float[] seed) {
        float[] g = new float[n * per];
        for (int i = 0; i < n; i++) {
          for (int p = 0; p < per; p++) {
            g[i * per + p] = (seed[2 * i] + seed[2 * i + 1]) * a[p] * x[i * per + p];
          }
        }
        return new Result(new float[2 * n], g);
      }

      @Override
      public void close() {}
    };
    float[] std = {0.5f, 0.25f, 1.0f};
    Normalization norm = new Normalization(new float[] {0, 0, 0}, std);
    float[] x = new float[per];
    SmoothGrad.Options options = SmoothGrad.Options.defaults(norm).withSamples(200).withNoiseLevel(0.15)
        .withVariant(SmoothGrad.Variant.VARGRAD).withSeed(3);
    Explanation e = new SmoothGrad(quadratic, Scoring.LOGITS).explain(x, 1, new int[][] {{1}}, options).get(0);
    float[] raw = e.raw().data();
    for (float v : raw) {
      assertTrue(v >= 0, "VarGrad must not be negative");
    }
    for (int c = 0; c < 3; c++) {
      double sigma = 0.15 / std[c];
      double ratio = 0;
      for (int p = 0; p < 256; p++) {
        ratio += raw[c * 256 + p] / (a[c * 256 + p] * a[c * 256 + p] * sigma * sigma);
      }
      ratio /= 256;
      assertEquals(1.0, ratio, 0.03, "channel " + c + " noise variance ratio");
    }
  }

  @Test
  void integratedGradientsAreCompleteOnASmoothModel() {
    TanhModel m = new TanhModel(CHW, 8, 5, 6);
    float[] x = images(1, 7);
    Normalization norm = new Normalization(new float[] {0.485f, 0.456f, 0.406f}, new float[] {0.229f, 0.224f, 0.225f});
    for (Baseline b : Baseline.values()) {
      for (IntegratedGradients.Rule rule : IntegratedGradients.Rule.values()) {
        IntegratedGradients.Options options = IntegratedGradients.Options.defaults(norm).withBaseline(b).withRule(rule);
        m.calls = 0;
        Explanation e = new IntegratedGradients(m, Scoring.LOGITS).explain(x, 1, new int[][] {{2}}, options).get(0);
        assertEquals(1, m.calls);
        float[] base = b.of(x, CHW, norm, options.blurSigma(), new SplittableRandom(0).split());
        double difference = m.forward(x, 0)[2] - m.forward(base, 0)[2];
        double sum = 0;
        for (float v : e.raw().data()) {
          sum += v;
        }
        String what = b + " " + rule;
        assertTrue(Math.abs(difference) > 0.05, what + ": score difference too small to test: " + difference);
        assertEquals(difference, sum, 2e-3 * Math.abs(difference), what + " completeness");
        assertEquals(sum - difference, (double) e.details().get("completenessGap"), 1e-4, what + " reported gap");
      }
    }
  }

  @Test
  void integratedGradientsWithTwoStepsAreVisiblyIncomplete() {
    TanhModel m = new TanhModel(CHW, 8, 5, 6);
    float[] x = images(1, 7);
    IntegratedGradients.Options options = IntegratedGradients.Options.defaults(Normalization.IDENTITY).withSteps(2);
    Explanation e = new IntegratedGradients(m, Scoring.LOGITS).explain(x, 1, new int[][] {{2}}, options).get(0);
    assertTrue((double) e.details().get("relativeGap") > 1e-2, "relative gap " + e.details().get("relativeGap"));
  }

  @Test
  void blackBaselineIsPixelZeroNormalised() {
    Normalization norm = new Normalization(new float[] {0.5f, 0.25f, 0f}, new float[] {0.5f, 0.25f, 2f});
    float[] b = Baseline.BLACK.of(new float[PER], CHW, norm, 0, null);
    assertEquals(-1f, b[0]);
    assertEquals(-1f, b[36 + 5]);
    assertEquals(0f, b[72 + 35]);
  }

  private static double maxDiff(float[] a, float[] b) {
    double d = 0;
    for (int i = 0; i < a.length; i++) {
      d = Math.max(d, Math.abs(a[i] - b[i]));
    }
    return d;
  }
}
