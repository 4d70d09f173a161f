package dev.lanterne.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanterne.runtime.Classifier;
import dev.lanterne.runtime.RuntimeOptions;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Captum's infidelity and max-sensitivity, pytorch-grad-cam's ROAD and Quantus's complexity and
 * sparseness against closed forms: a linear model's exact attribution has infidelity 0, a map that
 * copies the input moves by exactly the perturbation, linear imputation reproduces a linear ramp,
 * and the entropy and Gini index of one-hot and uniform maps are log n, 0, 0 and 1 - 1/n.
 */
class AnchorMetricsTest {
  private static final int SIZE = 16;
  private static final int PLANE = SIZE * SIZE;
  private static final float WEIGHT = 0.5f;
  private static final TinyLinearModel TINY =
      new TinyLinearModel(SIZE, TinyLinearModel.rectangle(SIZE, 5, 6, 9, 9), WEIGHT, 2f);
  private static Classifier classifier;

  @BeforeAll
  static void open() {
    classifier = Classifier.open(TINY.proto().toByteArray(), "tiny", RuntimeOptions.DEFAULT);
  }

  @AfterAll
  static void close() {
    classifier.close();
  }

  private static float[] image() {
    SplittableRandom rnd = new SplittableRandom(3);
    float[] x = new float[3 * PLANE];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) rnd.nextDouble(-1, 1);
    }
    return x;
  }

  /** d logit0 / d x summed over the channels: 3 WEIGHT on the region, 0 elsewhere. */
  private static float[] exactMap(float scale) {
    float[] m = new float[PLANE];
    for (int p = 0; p < PLANE; p++) {
      m[p] = TINY.region[p] ? 3 * WEIGHT * scale : 0;
    }
    return m;
  }

  @Test
  void complexityAndSparsenessClosedForms() {
    int n = 64;
    float[] oneHot = new float[n];
    oneHot[17] = -3;
    float[] uniform = new float[n];
    Arrays.fill(uniform, 0.25f);
    assertEquals(1 - 1.0 / n, MapComplexity.sparseness(oneHot), 1e-12);
    assertEquals(0, MapComplexity.sparseness(uniform), 1e-12);
    assertEquals(Math.log(n), MapComplexity.complexity(uniform), 1e-9);
    assertEquals(0, MapComplexity.complexity(oneHot), 1e-12);
    // p = (1/4, 1/4, 1/2): entropy 1.5 ln 2; sorted (0, 1, 1, 2): Gini (-1 + 1 + 6) / (4 x 4)
    float[] small = {1, 0, -2, 1};
    assertEquals(1.5 * Math.log(2), MapComplexity.complexity(small), 1e-9);
    assertEquals(6.0 / 16, MapComplexity.sparseness(small), 1e-12);
  }

  @Test
  void infidelityOfTheExactLinearAttributionIsZero() {
    int[] chw = {3, SIZE, SIZE};
    Infidelity plain = new Infidelity(classifier::run, chw, new Infidelity.Settings(10, 0.1, false, 1));
    Infidelity normalised = new Infidelity(classifier::run, chw, Infidelity.Settings.DEFAULTS);
    float[] x = image();
    assertEquals(0, plain.evaluate(x, exactMap(1), 0), 1e-8);
    assertEquals(0, normalised.evaluate(x, exactMap(1), 0), 1e-8);
    // twice the exact map: the unnormalised error is the perturbation's effect squared; normalising removes it
    double twice = plain.evaluate(x, exactMap(2), 0);
    assertTrue(twice > 1e-3, "twice the attribution " + twice);
    assertEquals(0, normalised.evaluate(x, exactMap(2), 0), 1e-8);
    float[] noise = BaselineMaps.random(SIZE, SIZE, 7);
    assertTrue(normalised.evaluate(x, noise, 0) > 1e-3, "a random map is unfaithful");
  }

  @Test
  void sensitivityOfAMapThatCopiesTheInputIsThePerturbationsSize() {
    float[] x = image();
    SensitivityMax s = new SensitivityMax(SensitivityMax.Settings.DEFAULTS);
    SensitivityMax.Explainer copy = img -> Arrays.copyOf(img, PLANE);
    double norm = 0;
    for (int u = 0; u < PLANE; u++) {
      norm += x[u] * x[u];
    }
    // |d| for d uniform in [-r, r]^n concentrates at r sqrt(n / 3)
    double expected = 0.02 * Math.sqrt(PLANE / 3.0) / Math.sqrt(norm);
    double got = s.evaluate(x, Arrays.copyOf(x, PLANE), copy);
    assertTrue(got > expected && got < 1.3 * expected, "sensitivity " + got + " vs typical " + expected);
    assertEquals(0, s.evaluate(x, exactMap(1), img -> exactMap(1)), 0, "a map that ignores the input");
  }

  @Test
  void linearImputationReproducesALinearRamp() {
    int[] chw = {3, SIZE, SIZE};
    Road road = new Road(classifier::run, chw, false, new Road.Settings(new double[] {0.5}, 0, 0));
    float[] ramp = new float[3 * PLANE];
    for (int c = 0; c < 3; c++) {
      for (int y = 0; y < SIZE; y++) {
        for (int x = 0; x < SIZE; x++) {
          ramp[c * PLANE + y * SIZE + x] = 0.1f * x - 0.05f * y + c;
        }
      }
    }
    boolean[] removed = new boolean[PLANE];
    for (int y = 2; y < 12; y++) {
      for (int x = 3; x < 14; x++) {
        removed[y * SIZE + x] = (x + y) % 3 != 0 || y > 6;
      }
    }
    float[] out = road.impute(ramp, removed, new SplittableRandom(0));
    for (int i = 0; i < out.length; i++) {
      assertEquals(ramp[i], out[i], 5e-3, "value " + i);
    }
  }

  @Test
  void roadRanksTheExactMapAboveARandomOne() {
    int[] chw = {3, SIZE, SIZE};
    Road road = new Road(classifier::run, chw, false, Road.Settings.DEFAULTS);
    // bright region: removing it (imputed from darker surroundings) lowers class 0
    float[] x = new float[3 * PLANE];
    SplittableRandom rnd = new SplittableRandom(5);
    for (int c = 0; c < 3; c++) {
      for (int p = 0; p < PLANE; p++) {
        x[c * PLANE + p] = (float) (TINY.region[p] ? 1 + 0.1 * rnd.nextDouble() : -1 + 0.1 * rnd.nextDouble());
      }
    }
    Road.Result exact = road.evaluate(x, exactMap(1), 0);
    Road.Result random = road.evaluate(x, BaselineMaps.random(SIZE, SIZE, 9), 0);
    assertTrue(exact.morfMean() < -0.1, "removing the read region first drops the probability: " + exact.morfMean());
    assertTrue(exact.combined() > random.combined() + 0.05, exact.combined() + " vs random " + random.combined());
  }
}
