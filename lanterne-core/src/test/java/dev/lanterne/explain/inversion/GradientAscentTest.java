package dev.lanterne.explain.inversion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanterne.explain.perturbation.GaussianBlur;
import dev.lanterne.model.ModelCard;
import dev.lanterne.runtime.InversionModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class GradientAscentTest {
  private static final ModelCard CARD = ModelCard.inception(Quadratic.H, Quadratic.W);
  private final Quadratic q = new Quadratic(2, 21);

  @Test
  void blurEveryKAppliesExactlyOnEveryKthStep() {
    // lr 0: only the blur changes the image, so each step must be either a no-op or one blur
    InversionOptions o = InversionOptions.defaults().unregularized().withOptimizer(InversionOptions.Optimizer.SGD, 0, 0)
        .withSteps(10).withBlur(3, 0.8).withSnapshotEvery(1).withStart(InversionOptions.Start.UNIFORM_NOISE)
        .withNoiseAmplitude(0.4);
    List<Integer> blurred = new ArrayList<>();
    try (InversionModel m = InversionModels.fromGradients(q.analytic(), false)) {
      AscentTrace t = ClassModelInversion.run(m, CARD, new int[] {0, 1}, null, o, StepListener.NONE);
      assertEquals(11, t.snapshots().size());
      for (int s = 1; s <= 10; s++) {
        float[] before = t.snapshots().get(s - 1).images();
        float[] after = t.snapshots().get(s).images();
        assertEquals(s, t.snapshots().get(s).step());
        if (!Arrays.equals(before, after)) {
          blurred.add(s);
          for (int i = 0; i < 2; i++) {
            float[] one = Arrays.copyOfRange(before, i * Quadratic.PER, (i + 1) * Quadratic.PER);
            float[] expect = GaussianBlur.blur(one, Quadratic.C, Quadratic.H, Quadratic.W, 0.8);
            assertArrayEquals(expect, Arrays.copyOfRange(after, i * Quadratic.PER, (i + 1) * Quadratic.PER), 1e-6f);
          }
        }
      }
    }
    assertEquals(List.of(3, 6, 9), blurred);
  }

  @Test
  void theSameSeedGivesTheSameImagesAndAnotherSeedDoesNot() {
    InversionOptions o = InversionOptions.defaults().withSteps(15).withJitter(1, 0.1, 10).withBlur(2, 0.5)
        .withStart(InversionOptions.Start.GAUSSIAN_NOISE).withSeed(42);
    try (InversionModel m = InversionModels.fromGradients(q.analytic(), true)) {
      float[] a = ClassModelInversion.run(m, CARD, new int[] {0, 1}, null, o, StepListener.NONE).images();
      float[] b = ClassModelInversion.run(m, CARD, new int[] {0, 1}, null, o, StepListener.NONE).images();
      float[] c = ClassModelInversion.run(m, CARD, new int[] {0, 1}, null, o.withSeed(43), StepListener.NONE).images();
      assertArrayEquals(a, b, 0f);
      assertFalse(Arrays.equals(a, c));
    }
  }

  @Test
  void clippingKeepsImagesInTheValidRangeAndFindsTheClippedOptimum() {
    // mean 0.5, std 1: valid normalised range [-0.5, 0.5]; the targets reach +-0.8, so the
    // projected ascent must end at clamp(t) (the objective is separable per pixel)
    ModelCard narrow = new ModelCard("narrow", null, null, new int[] {Quadratic.H, Quadratic.W},
        ModelCard.CROP_THEN_RESIZE, null, 0.875, new float[] {0.5f, 0.5f, 0.5f}, new float[] {1f, 1f, 1f},
        null, "logits", null, null, null);
    InversionOptions o = InversionOptions.defaults().unregularized().withClip(true).withSteps(100)
        .withOptimizer(InversionOptions.Optimizer.SGD, 0.1, 0).withNormalizeGradient(false);
    try (InversionModel m = InversionModels.fromGradients(q.analytic(), false)) {
      AscentTrace t = ClassModelInversion.run(m, narrow, new int[] {0, 1}, null, o, StepListener.NONE);
      for (int i = 0; i < 2; i++) {
        float[] x = t.image(i);
        for (int j = 0; j < Quadratic.PER; j++) {
          assertEquals(Math.max(-0.5f, Math.min(0.5f, q.targets[i][j])), x[j], 1e-5f);
        }
      }
    }
  }

  @Test
  void jitteredAscentReachesAShiftInvariantOptimum() {
    // targets constant per channel are unchanged by shifts, scaling and rotation (mirrored borders),
    // so undoing each jitter correctly must still lead to them
    Quadratic flat = new Quadratic(2, 5, true);
    for (InversionOptions.Optimizer opt : InversionOptions.Optimizer.values()) {
      InversionOptions o = InversionOptions.defaults().unregularized().withSteps(150).withNormalizeGradient(false)
          .withOptimizer(opt, opt == InversionOptions.Optimizer.ADAM ? 0.02 : 0.1, 0);
      for (InversionOptions jittered : List.of(o.withJitter(2, 0, 0), o.withJitter(1, 0.1, 8))) {
        try (InversionModel m = InversionModels.fromGradients(flat.analytic(), false)) {
          AscentTrace t = ClassModelInversion.run(m, CARD, new int[] {0, 1}, null, jittered, StepListener.NONE);
          for (int i = 0; i < 2; i++) {
            assertTrue(t.finalObjective(i) > -1e-2, opt + " " + jittered.affineJitter() + ": objective "
                + t.objective()[i][0] + " -> " + t.finalObjective(i));
          }
        }
      }
    }
  }

  @Test
  void resizedObjectiveGradientMatchesFiniteDifferences() {
    try (InversionModel m = InversionModels.fromGradients(q.analytic(), false)) {
      ModelObjective full = new ModelObjective(m, new int[] {1}, false);
      ResizedObjective small = new ResizedObjective(full, 3, 3);
      Resize up = new Resize(Quadratic.C, 3, 3, Quadratic.H, Quadratic.W);
      float[] x = new float[Quadratic.C * 9];
      for (int j = 0; j < x.length; j++) {
        x[j] = (float) Math.cos(3 * j);
      }
      float[] g = small.step(x, 1, 0, 0).gradient();
      double h = 1e-2;
      for (int j = 0; j < x.length; j++) {
        float[] plus = x.clone();
        float[] minus = x.clone();
        plus[j] += (float) h;
        minus[j] -= (float) h;
        double fp = full.objective(full.step(up.apply(plus), 1, 0, 0).scores(), 0);
        double fm = full.objective(full.step(up.apply(minus), 1, 0, 0).scores(), 0);
        assertEquals((fp - fm) / (2 * h), g[j], 2e-3);
      }
    }
  }
}
