package dev.lanterne.explain.surrogate;

import dev.lanterne.explain.LanternModel;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * KernelSHAP over superpixels (Lundberg and Lee, NeurIPS 2017), as Captum's {@code KernelShap}:
 * the first two coalitions are all segments kept and none kept, weighted 10^6 (Captum's stand-in
 * for the infinite Shapley-kernel weight, which pins the efficiency constraint); every other
 * coalition draws its size k in 1..M-1 with probability proportional to (M-1) / (k (M-k)) and then
 * k segments uniformly, weight 1 (sampling already follows the Shapley kernel); a weighted least
 * squares fit (see {@link WeightedLinearFit}). The map is each segment's Shapley value estimate.
 * Seeded.
 */
public final class KernelShap extends SegmentMethod {
  /** The method's name. */
  public static final String METHOD = "kernel-shap";

  /** With the default options ({@link SurrogateOptions#KERNEL_SHAP}). */
  public KernelShap(LanternModel model) {
    this(model, SurrogateOptions.KERNEL_SHAP.withBatch(model.runtime().maxBatch()));
  }

  /** With the given options. */
  public KernelShap(LanternModel model, SurrogateOptions options) {
    super(model, options);
  }

  @Override
  public String name() {
    return METHOD;
  }

  @Override
  Fitted fit(SegmentRunner runner, int[] classes, float[] original, long seed) {
    int m = runner.segments().count();
    int n = options().samples();
    boolean[][] z = new boolean[n][m];
    double[] w = new double[n];
    Arrays.fill(z[0], true);
    w[0] = 1e6;
    w[1] = 1e6;
    SplittableRandom rnd = new SplittableRandom(seed);
    double[] cumulative = new double[Math.max(m - 1, 0)];
    double total = 0;
    for (int k = 1; k < m; k++) {
      total += (m - 1.0) / (k * (double) (m - k));
      cumulative[k - 1] = total;
    }
    int[] order = new int[m];
    for (int i = 2; i < n; i++) {
      w[i] = 1;
      if (m < 2) {
        z[i][0] = rnd.nextBoolean();
        continue;
      }
      double u = rnd.nextDouble() * total;
      int k = 1;
      while (k < m - 1 && cumulative[k - 1] < u) {
        k++;
      }
      for (int s = 0; s < m; s++) {
        order[s] = s;
      }
      for (int s = 0; s < k; s++) {
        int j = s + rnd.nextInt(m - s);
        int t = order[s];
        order[s] = order[j];
        order[j] = t;
        z[i][order[s]] = true;
      }
    }
    double[][] x = new double[n][m];
    for (int i = 0; i < n; i++) {
      for (int s = 0; s < m; s++) {
        x[i][s] = z[i][s] ? 1 : 0;
      }
    }
    return Surrogates.fitAll(runner.scores(z, classes), x, w, options().fit(), classes.length, n);
  }
}
