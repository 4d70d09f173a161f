package dev.lanterne.explain.surrogate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanterne.explain.Explanation;
import dev.lanterne.explain.Images;
import dev.lanterne.explain.LanternModel;
import dev.lanterne.explain.perturbation.ScoreKind;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * LIME, KernelSHAP and feature ablation on a linear model that reads one flat block of a 4x4 block
 * image: SLIC recovers the blocks, and every method must put the whole attribution on the block the
 * model reads, with the value a hand computation gives (the logit drop when the block turns gray).
 */
class SegmentMethodsTest {
  /** The block the model reads: row 1, column 2 of the grid (segment 6 in raster order). */
  private static final int BY = 8;
  private static final int BX = 16;
  private static final int SEGMENT = 6;
  private static final float WEIGHT = 0.01f;

  @TempDir
  static Path dir;
  private static LanternModel model;
  private static Images images;
  private static double drop;

  @BeforeAll
  static void open() {
    model = BlockModel.open(dir, BY, BX, WEIGHT);
    float[] pixels = BlockModel.blockPixels();
    images = BlockModel.images(model, pixels);
    // Independent reference: logit0 = WEIGHT * sum of normalised block values; the gray fill is 0.
    double s = 0;
    for (int c = 0; c < 3; c++) {
      for (int y = BY; y < BY + 8; y++) {
        for (int x = BX; x < BX + 8; x++) {
          s += 2.0 * pixels[c * BlockModel.PLANE + y * BlockModel.SIZE + x] - 1;
        }
      }
    }
    drop = WEIGHT * s;
    assertTrue(Math.abs(drop) > 0.05, "the block must matter: drop " + drop);
  }

  @AfterAll
  static void close() {
    model.close();
  }

  private static SurrogateOptions options(SurrogateOptions d) {
    return d.withSlic(Slic.DEFAULTS.withSegments(16)).withScore(ScoreKind.LOGIT).withSamples(400).withSeed(5);
  }

  @Test
  void slicFindsTheFlatBlocks() {
    Segments s = Slic.DEFAULTS.withSegments(16).segment(BlockModel.blockPixels(), 3, 32, 32);
    assertEquals(Segments.grid(32, 32, 8), s);
  }

  @Test
  void slicSegmentsAreConnectedAndNearTheRequestedCount() {
    float[] p = new float[3 * 64 * 64];
    java.util.SplittableRandom r = new java.util.SplittableRandom(1);
    for (int i = 0; i < p.length; i++) {
      int u = i % 4096;
      p[i] = (float) (0.5 + 0.3 * Math.sin(u % 64 / 7.0 + i / 4096) * Math.cos(u / 64 / 5.0) + 0.05 * r.nextDouble());
    }
    Segments s = Slic.DEFAULTS.withSegments(40).segment(p, 3, 64, 64);
    assertTrue(s.count() >= 20 && s.count() <= 80, "segments " + s.count());
    assertEquals(s.count(), Slic.connected(s.labels(), 64, 64, 0).count(), "every segment is one 4-connected piece");
  }

  /** Per-segment values of a map painted over the grid: the value at each block's top-left pixel. */
  private static double[] perBlock(Explanation e) {
    double[] v = new double[16];
    for (int b = 0; b < 16; b++) {
      v[b] = e.map().data()[(b / 4) * 8 * 32 + (b % 4) * 8];
    }
    return v;
  }

  private static void assertOnlyTheBlock(double[] v, double expected, double relTol, String what) {
    assertEquals(expected, v[SEGMENT], Math.abs(expected) * relTol, what + ": the read block's value");
    for (int b = 0; b < 16; b++) {
      if (b != SEGMENT) {
        assertTrue(Math.abs(v[b]) < Math.abs(expected) * relTol, what + ": block " + b + " got " + v[b]);
      }
    }
  }

  @Test
  void featureAblationGivesTheExactDrop() {
    List<Explanation> e = new FeatureAblation(model, options(SurrogateOptions.ABLATION)).attribute(images,
        new int[][] {{0, 1}});
    assertOnlyTheBlock(perBlock(e.get(0)), drop, 1e-4, "ablation");
    for (double v : perBlock(e.get(1))) {
      assertEquals(0, v, 1e-6, "the constant class has no attribution");
    }
  }

  @Test
  void kernelShapRecoversTheShapleyValuesOfAnAdditiveGame() {
    List<Explanation> e = new KernelShap(model, options(SurrogateOptions.KERNEL_SHAP)).attribute(images,
        new int[][] {{0}});
    double[] v = perBlock(e.get(0));
    assertOnlyTheBlock(v, drop, 1e-3, "kernel shap");
    double sum = 0;
    for (double x : v) {
      sum += x;
    }
    assertEquals(drop, sum, Math.abs(drop) * 1e-3, "efficiency: attributions sum to f(x) - f(fill)");
  }

  @Test
  void limeRecoversTheOneSegmentTheModelReads() {
    List<Explanation> ridge = new Lime(model, options(SurrogateOptions.LIME)).attribute(images, new int[][] {{0}});
    // ridge alpha 1 against a Gram diagonal of about 400 x 0.25: shrinkage well under 2%
    assertOnlyTheBlock(perBlock(ridge.get(0)), drop, 0.02, "lime ridge");
    List<Explanation> lasso = new Lime(model, options(SurrogateOptions.LIME)
        .withFit(new WeightedLinearFit(WeightedLinearFit.Regularizer.LASSO, 0.001))).attribute(images,
        new int[][] {{0}});
    // the lasso shrinks the coefficient by alpha / var(z) = 0.001 / 0.25 and zeroes the others
    assertOnlyTheBlock(perBlock(lasso.get(0)), drop - Math.signum(drop) * 0.004, 0.02, "lime lasso");
    // on probabilities (the default score) the read block still has the largest |weight|
    List<Explanation> prob = new Lime(model, SurrogateOptions.LIME.withSlic(Slic.DEFAULTS.withSegments(16))
        .withSamples(200)).attribute(images, new int[][] {{0}});
    double[] v = perBlock(prob.get(0));
    for (int b = 0; b < 16; b++) {
      assertTrue(b == SEGMENT || Math.abs(v[b]) < Math.abs(v[SEGMENT]), "probability LIME, block " + b);
    }
  }

  @Test
  void sameSeedSameMap() {
    Lime lime = new Lime(model, options(SurrogateOptions.LIME).withSamples(50));
    float[] a = lime.attribute(images, new int[][] {{0}}).get(0).map().data();
    float[] b = lime.attribute(images, new int[][] {{0}}).get(0).map().data();
    org.junit.jupiter.api.Assertions.assertArrayEquals(a, b);
  }

  @Test
  void weightedFitsSolveKnownSystems() {
    // y = 2 + 3 x0 - x1, exact: least squares returns it whatever the weights
    double[][] x = {{0, 0}, {1, 0}, {0, 1}, {1, 1}, {2, 1}};
    double[] y = new double[5];
    double[] w = {1, 2, 3, 4, 5};
    for (int i = 0; i < 5; i++) {
      y[i] = 2 + 3 * x[i][0] - x[i][1];
    }
    WeightedLinearFit.Model m = new WeightedLinearFit(WeightedLinearFit.Regularizer.NONE, 0).fit(x, y, w);
    assertEquals(3, m.coefficients()[0], 1e-6);
    assertEquals(-1, m.coefficients()[1], 1e-6);
    assertEquals(2, m.intercept(), 1e-6);
    // one feature, ridge: beta = Sxy / (Sxx + alpha) on weighted-centred data
    double[][] x1 = {{0}, {1}, {2}};
    double[] y1 = {0, 1, 2};
    double[] w1 = {1, 1, 1};
    WeightedLinearFit.Model r = new WeightedLinearFit(WeightedLinearFit.Regularizer.RIDGE, 2).fit(x1, y1, w1);
    assertEquals(2.0 / 4.0, r.coefficients()[0], 1e-9);
    // lasso: beta = S(Sxy / n, alpha) / (Sxx / n) = (2/3 - 0.5) / (2/3)
    WeightedLinearFit.Model l = new WeightedLinearFit(WeightedLinearFit.Regularizer.LASSO, 0.5).fit(x1, y1, w1);
    assertEquals((2.0 / 3 - 0.5) / (2.0 / 3), l.coefficients()[0], 1e-9);
  }
}
