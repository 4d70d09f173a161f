package dev.lanterne.metrics;

import java.util.SplittableRandom;

/**
 * Captum's {@code sensitivity_max} (Yeh et al., NeurIPS 2019): the largest relative change of the
 * explanation under small input perturbations, max_j |e(x + d_j) - e(x)|_F / |e(x)|_F, with d_j
 * uniform in [-radius, radius] per input value (Captum's default perturbation, radius 0.02 in the
 * model's normalised input units, 10 samples). Lower is more robust. Each sample re-runs the method.
 */
public final class SensitivityMax {
  /** Explains one perturbed normalised image [C,H,W]: its map [H,W]. */
  @FunctionalInterface
  public interface Explainer {
    /** The map [H,W] of this image. */
    float[] map(float[] image);
  }

  /**
   * Settings of the metric.
   *
   * @param samples perturbations (Captum's n_perturb_samples, 10)
   * @param radius half-width of the uniform perturbation (Captum's perturb_radius, 0.02)
   * @param seed seed of the perturbations
   */
  public record Settings(int samples, double radius, long seed) {
    /** Captum's defaults, seed 0. */
    public static final Settings DEFAULTS = new Settings(10, 0.02, 0);

    /**
     * Checks the values.
     *
     * @throws IllegalArgumentException when samples is below 1 or radius is not positive
     */
    public Settings {
      if (samples < 1 || !(radius > 0)) {
        throw new IllegalArgumentException("sensitivity needs samples >= 1 and a positive radius");
      }
    }
  }

  private final Settings settings;

  /** A metric with these settings. */
  public SensitivityMax(Settings settings) {
    this.settings = settings;
  }

  /**
   * @param image normalised [C,H,W]
   * @param map the method's map of the unperturbed image [H,W]
   * @param explainer the same method on perturbed copies
   */
  public double evaluate(float[] image, float[] map, Explainer explainer) {
    SplittableRandom rnd = new SplittableRandom(settings.seed() ^ 0x5E45171FL);
    double norm = 0;
    for (float v : map) {
      norm += (double) v * v;
    }
    norm = Math.sqrt(norm);
    double worst = 0;
    for (int s = 0; s < settings.samples(); s++) {
      float[] x = image.clone();
      for (int i = 0; i < x.length; i++) {
        x[i] += (float) ((rnd.nextDouble() * 2 - 1) * settings.radius());
      }
      float[] e = explainer.map(x);
      double d = 0;
      for (int u = 0; u < map.length; u++) {
        double t = e[u] - map[u];
        d += t * t;
      }
      worst = Math.max(worst, Math.sqrt(d) / (norm > 0 ? norm : 1));
    }
    return worst;
  }
}
