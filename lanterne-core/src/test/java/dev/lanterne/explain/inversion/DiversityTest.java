package dev.lanterne.explain.inversion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanterne.explain.LanternModel;
import dev.lanterne.onnx.OnnxModels;
import dev.lanterne.runtime.RuntimeOptions;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Lucid's diversity term: its value on hand-computed cases, its gradient against finite
 * differences of the defining formula, and a short run on the demo model where the term makes
 * the batch members measurably different.
 */
class DiversityTest {
  private static final String LAYER = "/features/features.4/Relu_output_0";

  @Test
  void identicalImagesScoreNMinusOneAndDisjointChannelsZero() {
    int n = 3;
    int c = 2;
    int p = 4;
    float[] same = new float[n * c * p];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < c * p; j++) {
        same[i * c * p + j] = (float) Math.sin(j + 1);
      }
    }
    // every pair has cosine 1: (1/n) * n (n - 1)
    assertEquals(2.0, Diversity.of(same, n, c, p, Diversity.Kind.GRAM).value(), 1e-9);
    assertEquals(2.0, Diversity.of(same, n, c, p, Diversity.Kind.ACTIVATION).value(), 1e-9);
    // image 0 lives in channel 0, image 1 in channel 1: Gram matrices diag(a, 0) and diag(0, b), orthogonal
    float[] disjoint = {1, 2, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 3, 1, 1, 0};
    assertEquals(0.0, Diversity.of(disjoint, 2, c, p, Diversity.Kind.GRAM).value(), 1e-12);
    // by hand: two activation vectors (1,0) and (1,1) (c 2, p 1): cosine 1/sqrt(2), counted twice, over n 2
    assertEquals(1 / Math.sqrt(2), Diversity.of(new float[] {1, 0, 1, 1}, 2, 2, 1, Diversity.Kind.ACTIVATION)
        .value(), 1e-7);
    // Gram of (1,0) is [[1,0],[0,0]], of (1,1) is [[1,1],[1,1]]: cosine 1 / (1 * 2)
    assertEquals(0.5, Diversity.of(new float[] {1, 0, 1, 1}, 2, 2, 1, Diversity.Kind.GRAM).value(), 1e-7);
    assertThrows(IllegalArgumentException.class, () -> Diversity.of(new float[8], 1, 2, 4, Diversity.Kind.GRAM));
  }

  @Test
  void gradientMatchesFiniteDifferences() {
    SplittableRandom r = new SplittableRandom(7);
    int n = 3;
    int c = 4;
    int p = 5;
    float[] a = new float[n * c * p];
    for (int j = 0; j < a.length; j++) {
      a[j] = (float) r.nextDouble(-1, 1);
    }
    for (Diversity.Kind kind : Diversity.Kind.values()) {
      float[] g = Diversity.of(a, n, c, p, kind).gradient();
      for (int j = 0; j < a.length; j++) {
        float[] plus = a.clone();
        float[] minus = a.clone();
        float e = 1e-3f;
        plus[j] += e;
        minus[j] -= e;
        double fd = (Diversity.of(plus, n, c, p, kind).value() - Diversity.of(minus, n, c, p, kind).value())
            / (plus[j] - minus[j]);
        assertEquals(fd, g[j], 1e-3 * Math.max(1, Math.abs(fd)), kind + " value " + j);
      }
    }
  }

  @Test
  void theTermMakesTheBatchMembersDifferent() {
    byte[] bytes = OnnxModels.readBytes(LanternModel.demoModelFile());
    try (LanternModel model = LanternModel.demo()) {
      int[] chw = model.inputShape();
      int[] targets = {0, 0, 0};
      InversionOptions o = InversionOptions.defaults().withSteps(30).withJitter(0, 0, 0).withBlur(0, 1.0)
          .withNoiseAmplitude(0.05).withSnapshotEvery(0).withSeed(3);
      double[] diversity = new double[2];
      double[] weights = {0, 200};
      for (int w = 0; w < 2; w++) {
        try (DiversityObjective obj = DiversityObjective.open(bytes, LAYER, chw, targets, model.numClasses(),
            model.card().outputsProbabilities(), false, weights[w], Diversity.Kind.GRAM, o.normalizeGradient(),
            RuntimeOptions.DEFAULT.withThreads(1))) {
          AscentTrace t = ClassModelInversion.run(obj, model.card(), targets.length, null, o, null,
              StepListener.NONE);
          diversity[w] = obj.lastDiversity();
          for (int i = 0; i < targets.length; i++) {
            assertTrue(t.finalProbability(i) > 0.9, "weight " + weights[w] + ": image " + i + " still shows the class, p "
                + t.finalProbability(i));
          }
        }
      }
      // without the term the three images' Gram matrices stay alike (D near its maximum n - 1 = 2, measured
      // 1.99); with it they part (measured 0.65) while each image still shows the class
      assertTrue(diversity[0] > 1.8, "D without the term: " + diversity[0]);
      assertTrue(diversity[1] < 0.5 * diversity[0], "D " + diversity[0] + " without, " + diversity[1] + " with");
    }
  }
}
