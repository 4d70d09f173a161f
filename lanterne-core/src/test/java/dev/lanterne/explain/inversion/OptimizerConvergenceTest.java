package dev.lanterne.explain.inversion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanterne.grad.FiniteDifferenceGradient;
import dev.lanterne.model.ModelCard;
import dev.lanterne.runtime.InversionModel;
import dev.lanterne.runtime.RuntimeOptions;
import org.junit.jupiter.api.Test;

/** Every optimiser must reach the known optimum t_k of score_k = -||x - t_k||^2, for two classes at once. */
class OptimizerConvergenceTest {

  private static final ModelCard CARD = ModelCard.inception(Quadratic.H, Quadratic.W);
  private final Quadratic q = new Quadratic(2, 11);

  private InversionOptions base(int steps) {
    return InversionOptions.defaults().unregularized().withSteps(steps).withNormalizeGradient(false)
        .withSnapshotEvery(0).withSeed(3);
  }

  private void assertConverged(AscentTrace t, double tol) {
    for (int i = 0; i < 2; i++) {
      float[] x = t.image(i);
      double worst = 0;
      for (int j = 0; j < Quadratic.PER; j++) {
        worst = Math.max(worst, Math.abs(x[j] - q.targets[i][j]));
      }
      assertTrue(worst < tol, "image " + i + " is " + worst + " away from its target");
      assertTrue(t.finalObjective(i) > -tol, "final score " + t.finalObjective(i));
      assertTrue(t.objective()[i][0] < -1, "the start should be far from the optimum: " + t.objective()[i][0]);
    }
  }

  @Test
  void plainSgdThroughTheCompiledGraphReachesTheOptimum() {
    try (InversionModel m = InversionModels.compile(q.onnx(), false, RuntimeOptions.DEFAULT.withThreads(1))) {
      // error shrinks by |1 - 2 lr| = 0.8 per step: 0.8^100 ~ 2e-10
      AscentTrace t = ClassModelInversion.run(m, CARD, new int[] {0, 1}, null,
          base(100).withOptimizer(InversionOptions.Optimizer.SGD, 0.1, 0), StepListener.NONE);
      assertConverged(t, 1e-4);
    }
  }

  @Test
  void compiledGraphScoresAndGradientsMatchTheHandWrittenModel() {
    float[] x = new float[2 * Quadratic.PER];
    for (int j = 0; j < x.length; j++) {
      x[j] = (float) Math.sin(j);
    }
    float[] seed = {1, 0, 0, 1};
    try (InversionModel compiled = InversionModels.compile(q.onnx(), false, RuntimeOptions.DEFAULT.withThreads(1));
        InversionModel analytic = InversionModels.fromGradients(q.analytic(), false)) {
      InversionModel.Result a = compiled.step(x, 2, seed, 0.1f, 0.5f);
      InversionModel.Result b = analytic.step(x, 2, seed, 0.1f, 0.5f);
      for (int j = 0; j < x.length; j++) {
        assertEquals(b.gradient()[j], a.gradient()[j], 1e-4);
        assertEquals(b.next()[j], a.next()[j], 1e-5);
      }
      for (int j = 0; j < 4; j++) {
        assertEquals(b.scores()[j], a.scores()[j], 1e-3);
      }
    }
  }

  @Test
  void momentumReachesTheOptimum() {
    try (InversionModel m = InversionModels.fromGradients(q.analytic(), false)) {
      AscentTrace t = ClassModelInversion.run(m, CARD, new int[] {0, 1}, null,
          base(200).withOptimizer(InversionOptions.Optimizer.SGD, 0.02, 0.9), StepListener.NONE);
      assertConverged(t, 1e-3);
    }
  }

  @Test
  void adamReachesTheOptimumThroughTheCompiledGraph() {
    try (InversionModel m = InversionModels.compile(q.onnx(), false, RuntimeOptions.DEFAULT.withThreads(1))) {
      AscentTrace t = ClassModelInversion.run(m, CARD, new int[] {0, 1}, null,
          base(400).withOptimizer(InversionOptions.Optimizer.ADAM, 0.02, 0), StepListener.NONE);
      assertConverged(t, 5e-3);
    }
  }

  @Test
  void finiteDifferenceFallbackClimbsTowardsTheOptimum() {
    // black-box gradients through the plain ONNX model: noisy, so only ask for most of the way
    FiniteDifferenceGradient.Options fd = new FiniteDifferenceGradient.Options(64, 0.02, 1);
    try (InversionModel m = InversionModels.finiteDifferences(q.onnx(), "quadratic", false,
        RuntimeOptions.DEFAULT.withThreads(1), fd)) {
      AscentTrace t = ClassModelInversion.run(m, CARD, new int[] {0, 1}, null,
          base(80).withOptimizer(InversionOptions.Optimizer.SGD, 0.1, 0), StepListener.NONE);
      for (int i = 0; i < 2; i++) {
        assertTrue(t.finalObjective(i) > 0.05 * t.objective()[i][0], t.objective()[i][0] + " -> "
            + t.finalObjective(i));
      }
    }
  }

  @Test
  void normalisedStepsMoveEachImageByLrOnAverage() {
    // with g / mean|g| the mean absolute change of one plain step is exactly lr, whatever |g| is
    try (InversionModel m = InversionModels.compile(q.onnx(), true, RuntimeOptions.DEFAULT.withThreads(1))) {
      InversionOptions o = base(1).withOptimizer(InversionOptions.Optimizer.SGD, 0.01, 0).withNormalizeGradient(true)
          .withSnapshotEvery(1);
      AscentTrace t = ClassModelInversion.run(m, CARD, new int[] {0, 1}, null, o, StepListener.NONE);
      float[] before = t.snapshots().get(0).images();
      float[] after = t.snapshots().get(1).images();
      for (int i = 0; i < 2; i++) {
        double s = 0;
        for (int j = i * Quadratic.PER; j < (i + 1) * Quadratic.PER; j++) {
          s += Math.abs(after[j] - before[j]);
        }
        assertEquals(0.01, s / Quadratic.PER, 1e-5);
      }
    }
  }
}
