package dev.lanterne.explain.inversion;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lanterne.runtime.InversionModel;
import org.junit.jupiter.api.Test;

class LogProbabilityObjectiveTest {
  @Test
  void secondStepAtTheSamePointClimbsTheLogSoftmax() {
    Quadratic q = new Quadratic(3, 9);
    float[] x = new float[Quadratic.PER];
    for (int j = 0; j < x.length; j++) {
      x[j] = 0.3f * (float) Math.sin(j);
    }
    int target = 1;
    try (InversionModel m = InversionModels.fromGradients(q.analytic(), false)) {
      ModelObjective o = new ModelObjective(m, new int[] {target}, false).climbingLogProbability(true);
      o.step(x, 1, 0, 0);
      float[] g = o.step(x, 1, 0, 0).gradient();
      // by hand: y_k = -||x - t_k||^2, d log p_c / dx = sum_k (delta_kc - p_k) * -2 (x - t_k)
      double[] y = new double[3];
      for (int k = 0; k < 3; k++) {
        for (int j = 0; j < Quadratic.PER; j++) {
          y[k] -= (x[j] - q.targets[k][j]) * (x[j] - q.targets[k][j]);
        }
      }
      double max = Math.max(y[0], Math.max(y[1], y[2]));
      double z = 0;
      for (double v : y) {
        z += Math.exp(v - max);
      }
      for (int j = 0; j < Quadratic.PER; j++) {
        double expect = 0;
        for (int k = 0; k < 3; k++) {
          double p = Math.exp(y[k] - max) / z;
          expect += ((k == target ? 1 : 0) - p) * -2 * (x[j] - q.targets[k][j]);
        }
        assertEquals(expect, g[j], 1e-4);
      }
    }
  }
}
