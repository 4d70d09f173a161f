package dev.lanterne.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanterne.runtime.Classifier;
import dev.lanterne.runtime.RuntimeOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class DeletionInsertionTest {
  private static final int SIZE = 16;
  private static final int PLANE = SIZE * SIZE;
  private static final float[] MEAN = {0.5f, 0.5f, 0.5f};
  private static final float[] STD = {0.25f, 0.25f, 0.25f};
  private static final TinyLinearModel TINY =
      new TinyLinearModel(SIZE, TinyLinearModel.rectangle(SIZE, 5, 6, 9, 9), 0.5f, 2f);
  private static Classifier classifier;

  @BeforeAll
  static void open() {
    classifier = Classifier.open(TINY.proto().toByteArray(), "tiny", RuntimeOptions.DEFAULT);
  }

  @AfterAll
  static void close() {
    classifier.close();
  }

  /** Seeded pixels in [0, 0.6], brighter [0.8, 1] in the region; returned normalised. */
  private static float[] image() {
    SplittableRandom rnd = new SplittableRandom(3);
    float[] x = new float[3 * PLANE];
    for (int c = 0; c < 3; c++) {
      for (int p = 0; p < PLANE; p++) {
        double pixel = TINY.region[p] ? rnd.nextDouble(0.8, 1) : rnd.nextDouble(0, 0.6);
        x[c * PLANE + p] = (float) ((pixel - MEAN[c]) / STD[c]);
      }
    }
    return x;
  }

  /** Distinct values on the region (larger index, larger value), 0 elsewhere. */
  private static float[] exactMap() {
    float[] m = new float[PLANE];
    for (int p = 0; p < PLANE; p++) {
      m[p] = TINY.region[p] ? 10 + p : 0;
    }
    return m;
  }

  private static float[] randomMap(long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    float[] m = new float[PLANE];
    for (int p = 0; p < PLANE; p++) {
      m[p] = (float) rnd.nextDouble();
    }
    return m;
  }

  private static DeletionInsertion metric(int step, Substrate del, Substrate ins, int batch) {
    return new DeletionInsertion(classifier::run, new int[] {3, SIZE, SIZE}, MEAN, STD, false,
        new DeletionInsertion.Settings(step, del, ins, batch));
  }

  /** Region pixels in decreasing order of the exact map (largest index first), then the rest. */
  private static List<Integer> exactOrder() {
    List<Integer> order = new ArrayList<>();
    for (int p = PLANE - 1; p >= 0; p--) {
      if (TINY.region[p]) {
        order.add(p);
      }
    }
    return order;
  }

  @Test
  void deletionCurveMatchesTheModelFormula() {
    float[] x = image();
    CausalCurve curve = metric(4, Substrate.BLACK, Substrate.BLUR, 5).deletion(x, exactMap(), 0);
    assertEquals(64 + 1, curve.scores().length);
    List<Integer> order = exactOrder();
    float[] work = x.clone();
    for (int i = 0; i <= 64; i++) {
      assertEquals(TINY.probability0(work), curve.scores()[i], 1e-5, "step " + i);
      for (int k = 4 * i; k < Math.min(order.size(), 4 * (i + 1)); k++) {
        int p = order.get(k);
        for (int c = 0; c < 3; c++) {
          work[c * PLANE + p] = (0 - MEAN[c]) / STD[c];
        }
      }
    }
  }

  @Test
  void insertionFromTheMeanMatchesTheModelFormula() {
    float[] x = image();
    CausalCurve curve = metric(3, Substrate.BLACK, Substrate.MEAN, 32).insertion(x, exactMap(), 0);
    assertEquals((PLANE + 2) / 3 + 1, curve.scores().length);
    List<Integer> order = exactOrder();
    float[] work = new float[x.length];
    for (int i = 0; i < curve.scores().length; i++) {
      assertEquals(TINY.probability0(work), curve.scores()[i], 1e-5, "step " + i);
      for (int k = 3 * i; k < Math.min(order.size(), 3 * (i + 1)); k++) {
        int p = order.get(k);
        for (int c = 0; c < 3; c++) {
          work[c * PLANE + p] = x[c * PLANE + p];
        }
      }
    }
  }

  @Test
  void theMapOnTheReadPixelsBeatsRandomMaps() {
    float[] x = image();
    DeletionInsertion metric = metric(4, Substrate.BLACK, Substrate.BLUR, 16);
    DeletionInsertion.Result exact = metric.evaluate(x, exactMap(), 0);
    for (long seed = 1; seed <= 3; seed++) {
      DeletionInsertion.Result random = metric.evaluate(x, randomMap(seed), 0);
      assertTrue(exact.deletion().auc() + 0.3 < random.deletion().auc(),
          "deletion " + exact.deletion().auc() + " vs random " + random.deletion().auc());
      assertTrue(exact.insertion().auc() > random.insertion().auc() + 0.15,
          "insertion " + exact.insertion().auc() + " vs random " + random.insertion().auc());
    }
    // the curves start and end at the unchanged and fully changed images
    assertEquals(TINY.probability0(x), exact.deletion().scores()[0], 1e-5);
    assertEquals(TINY.probability0(x), exact.insertion().scores()[exact.insertion().steps()], 1e-5);
  }

  @Test
  void curvesDoNotDependOnTheBatchSize() {
    float[] x = image();
    float[] map = randomMap(9);
    CausalCurve one = metric(5, Substrate.GRAY, Substrate.BLUR, 1).deletion(x, map, 0);
    CausalCurve seven = metric(5, Substrate.GRAY, Substrate.BLUR, 7).deletion(x, map, 0);
    assertArrayEquals(one.scores(), seven.scores(), 1e-6f);
  }

  @Test
  void defaultStepIsTheAuthors224At224AndBatchesStayBounded() {
    int[] calls = {0};
    int[] images = {0};
    BatchScorer constant = (x, n) -> {
      assertTrue(n <= 10, "batch of " + n);
      calls[0]++;
      images[0] += n;
      float[] out = new float[2 * n];
      for (int i = 0; i < n; i++) {
        out[2 * i] = 1;
      }
      return out;
    };
    DeletionInsertion metric = new DeletionInsertion(constant, new int[] {3, 224, 224}, MEAN, STD, false,
        DeletionInsertion.Settings.DEFAULTS.withBatch(10));
    assertEquals(224, metric.pixelsPerStep());
    CausalCurve c = metric.deletion(new float[3 * 224 * 224], new float[224 * 224], 0);
    assertEquals(225, c.scores().length);
    assertEquals(225, images[0]);
    assertEquals(23, calls[0]);
    double p = Math.exp(1) / (Math.exp(1) + 1);
    assertEquals(p, c.auc(), 1e-6);
  }

  @Test
  void handComputedAuc() {
    assertEquals(0.5, CausalCurve.auc(new float[] {1f, 0.5f, 0f}), 1e-12);
    // (0 + 1 + 1 + 0.5 - 0 / 2 - 0.5 / 2) / 3 = 2.25 / 3
    assertEquals(0.75, CausalCurve.auc(new float[] {0f, 1f, 1f, 0.5f}), 1e-7);
    assertEquals(0.3, CausalCurve.auc(new float[] {0.3f, 0.3f}), 1e-7);
  }

  @Test
  void substratesAreColoursInPixelSpace() {
    float[] x = image();
    float[] black = Substrate.BLACK.image(x, 3, SIZE, SIZE, MEAN, STD);
    float[] gray = Substrate.GRAY.image(x, 3, SIZE, SIZE, MEAN, STD);
    float[] mean = Substrate.MEAN.image(x, 3, SIZE, SIZE, MEAN, STD);
    assertEquals(-2f, black[5], 0f);
    assertEquals(0f, gray[PLANE + 7], 0f);
    assertEquals(0f, mean[2 * PLANE + 9], 0f);
    float[] odd = Substrate.BLACK.image(new float[3], 3, 1, 1, new float[] {0.485f, 0.456f, 0.406f},
        new float[] {0.229f, 0.224f, 0.225f});
    assertArrayEquals(new float[] {-0.485f / 0.229f, -0.456f / 0.224f, -0.406f / 0.225f}, odd, 1e-6f);
  }

  @Test
  void orderIsDecreasingWithTiesHighestIndexFirst() {
    // np.flip(np.argsort([1, 3, 3, 0, -1], kind="stable")) = [2, 1, 0, 3, 4]
    assertArrayEquals(new int[] {2, 1, 0, 3, 4}, Ranking.decreasingOrder(new float[] {1, 3, 3, 0, -1}));
    assertArrayEquals(new int[] {1, 0, 2}, Ranking.decreasingOrder(new float[] {-0f, 0.5f, -2f}));
    assertArrayEquals(new int[] {1, 0}, Ranking.decreasingOrder(new float[] {0f, -0f}));
  }
}
