package dev.lanterne.metrics;

import java.util.SplittableRandom;

/**
 * Captum's {@code infidelity} (Yeh et al., NeurIPS 2019): E_I[(I . a - (f(x) - f(x - I)))^2] over
 * random perturbations I, f the class's raw model output (the logit). Maps here are per pixel
 * [H,W], so each perturbation is one Gaussian value per pixel added to every channel of the
 * normalised input, and I . a = sum_u I_u a_u. With {@code normalize} (Captum's option) the map is
 * first scaled by the least-squares factor beta = E[(I.a) d] / E[(I.a)^2], so that methods whose
 * maps have different units compare; lower is better, 0 for an attribution that predicts every
 * perturbation's effect (the exact gradient of a linear model).
 */
public final class Infidelity {
  /**
   * Settings of the metric.
   *
   * @param samples perturbations per map (Captum's n_perturb_samples, default 10)
   * @param noiseStd standard deviation of the perturbation in normalised input units (0.1 here:
   *     Captum's documentation example uses 0.003, below the 8-bit quantisation step 2/255 of the
   *     QDQ models, whose outputs would not move)
   * @param normalize scale the map by the best factor first (Captum's normalize=True)
   * @param seed seed of the perturbations
   */
  public record Settings(int samples, double noiseStd, boolean normalize, long seed) {
    /** 10 samples, std 0.1, normalised, seed 0. */
    public static final Settings DEFAULTS = new Settings(10, 0.1, true, 0);

    /**
     * Checks the values.
     *
     * @throws IllegalArgumentException when samples is below 1 or noiseStd is not positive
     */
    public Settings {
      if (samples < 1 || !(noiseStd > 0)) {
        throw new IllegalArgumentException("infidelity needs samples >= 1 and a positive noise std");
      }
    }
  }

  private final BatchScorer model;
  private final int[] chw;
  private final Settings settings;

  /**
   * The metric on one model.
   *
   * @param model raw outputs of normalised inputs
   * @param chw one image's shape
   */
  public Infidelity(BatchScorer model, int[] chw, Settings settings) {
    this.model = model;
    this.chw = chw.clone();
    this.settings = settings;
  }

  /**
   * @param image normalised [C,H,W]
   * @param map attribution [H,W]
   * @param classIndex the class explained
   */
  public double evaluate(float[] image, float[] map, int classIndex) {
    int c = chw[0];
    int plane = chw[1] * chw[2];
    int n = settings.samples();
    SplittableRandom rnd = new SplittableRandom(settings.seed() ^ 0x1DF1DE17L);
    float[] batch = new float[(n + 1) * c * plane];
    System.arraycopy(image, 0, batch, 0, c * plane);
    double[] ia = new double[n];
    for (int s = 0; s < n; s++) {
      int o = (s + 1) * c * plane;
      double dot = 0;
      for (int u = 0; u < plane; u++) {
        double noise = gaussian(rnd) * settings.noiseStd();
        dot += noise * map[u];
        for (int ch = 0; ch < c; ch++) {
          batch[o + ch * plane + u] = (float) (image[ch * plane + u] - noise);
        }
      }
      ia[s] = dot;
    }
    float[] scores = model.run(batch, n + 1);
    int k = scores.length / (n + 1);
    double f = scores[classIndex];
    double[] diff = new double[n];
    double num = 0;
    double den = 0;
    for (int s = 0; s < n; s++) {
      diff[s] = f - scores[(s + 1) * k + classIndex];
      num += ia[s] * diff[s];
      den += ia[s] * ia[s];
    }
    double beta = settings.normalize() ? (den > 0 ? num / den : 0) : 1;
    double sum = 0;
    for (int s = 0; s < n; s++) {
      double e = beta * ia[s] - diff[s];
      sum += e * e;
    }
    return sum / n;
  }

  private static double gaussian(SplittableRandom r) {
    double u1 = r.nextDouble();
    double u2 = r.nextDouble();
    return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
  }
}
