package dev.lanterne.grad;

import dev.lanterne.runtime.Classifier;
import dev.lanterne.runtime.GradientModel;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A black-box gradient estimator for models the compiler cannot differentiate: antithetic Gaussian
 * directions through the plain model,
 *
 * <pre>g ≈ 1 / (2 σ m) Σ_j (f(x + σ u_j) − f(x − σ u_j)) u_j,   f = Σ_k seed_k y_k,</pre>
 *
 * with u_j ~ N(0, I). It estimates the gradient of f smoothed by a Gaussian of width σ: unbiased for
 * that smoothed function, with a variance that falls as 1/m. The perturbed copies of an image go
 * through the classifier in batches. The directions depend only on the seed, so a result is
 * reproducible and the same for an image alone or inside a batch.
 */
public final class FiniteDifferenceGradient implements GradientModel {
  /**
   * @param directions number of antithetic direction pairs m (2m forward passes per image)
   * @param sigma perturbation size relative to the input's standard deviation
   * @param seed seed of the random directions
   */
  public record Options(int directions, double sigma, long seed) {
    /** 64 direction pairs, sigma 0.02, seed 0. */
    public static final Options DEFAULT = new Options(64, 0.02, 0);

    /**
     * Checks the values.
     *
     * @throws IllegalArgumentException when directions is below 1 or sigma is not a positive finite number
     */
    public Options {
      if (directions < 1) {
        throw new IllegalArgumentException("directions must be at least 1");
      }
      if (!(sigma > 0) || Double.isInfinite(sigma)) {
        throw new IllegalArgumentException("sigma must be a positive number");
      }
    }
  }

  private final Classifier classifier;
  private final Options options;

  /** The classifier stays the caller's to close. */
  public FiniteDifferenceGradient(Classifier classifier, Options options) {
    this.classifier = classifier;
    this.options = options;
  }

  @Override
  public int[] inputShape() {
    return classifier.inputShape();
  }

  @Override
  public int numClasses() {
    return classifier.numClasses();
  }

  @Override
  public Result gradient(float[] x, int n, float[] seed) {
    int per = ScoreProbe.imageSize(classifier);
    int k = classifier.numClasses();
    if (x.length != n * per || seed.length != n * k) {
      throw new IllegalArgumentException("expected " + n * per + " input and " + n * k + " seed values");
    }
    float[] scores = classifier.run(x, n);
    float[] gradient = new float[n * per];
    for (int i = 0; i < n; i++) {
      float[] image = Arrays.copyOfRange(x, i * per, (i + 1) * per);
      float[] weights = Arrays.copyOfRange(seed, i * k, (i + 1) * k);
      estimate(image, weights, gradient, i * per);
    }
    return new Result(scores, gradient);
  }

  private void estimate(float[] image, float[] weights, float[] out, int offset) {
    int m = options.directions();
    double step = options.sigma() * scale(image);
    float[] u = new float[image.length];
    ScoreProbe probe = new ScoreProbe(classifier, image, weights);
    double[] f = probe.values(2 * m, (row, copy) -> {
      direction(options.seed(), row / 2, u);
      float s = (float) (row % 2 == 0 ? step : -step);
      for (int p = 0; p < copy.length; p++) {
        copy[p] += s * u[p];
      }
    });
    double[] g = new double[image.length];
    for (int j = 0; j < m; j++) {
      direction(options.seed(), j, u);
      double w = (f[2 * j] - f[2 * j + 1]) / (2 * step * m);
      for (int p = 0; p < g.length; p++) {
        g[p] += w * u[p];
      }
    }
    for (int p = 0; p < g.length; p++) {
      out[offset + p] = (float) g[p];
    }
  }

  /** Fills u with the j-th standard Gaussian direction of the given seed (the same on every call). */
  static void direction(long seed, int j, float[] u) {
    SplittableRandom rnd = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + j);
    for (int p = 0; p < u.length; p++) {
      u[p] = (float) rnd.nextGaussian();
    }
  }

  /** The input's scale: its standard deviation, or 1 for a constant input. */
  static double scale(float[] x) {
    double sum = 0;
    double sq = 0;
    for (float v : x) {
      sum += v;
      sq += (double) v * v;
    }
    double mean = sum / x.length;
    double sd = Math.sqrt(Math.max(0, sq / x.length - mean * mean));
    return sd > 1e-12 ? sd : 1;
  }

  @Override
  public void close() {
    // the classifier belongs to the caller
  }

  /**
   * Evaluates f(x') = Σ_k seed_k y_k(x') with the plain model for many perturbed copies x' of one
   * image, in batches, accumulating in double.
   */
  static final class ScoreProbe {
    /** Changes a fresh copy of the image in place for the given row. */
    interface Perturbation {
      void apply(int row, float[] copy);
    }

    private final Classifier classifier;
    private final float[] image;
    private final float[] weights;

    ScoreProbe(Classifier classifier, float[] image, float[] weights) {
      this.classifier = classifier;
      this.image = image;
      this.weights = weights;
    }

    static int imageSize(Classifier c) {
      int[] chw = c.inputShape();
      return chw[0] * chw[1] * chw[2];
    }

    /** f at the unperturbed image. */
    double value() {
      return values(1, (row, copy) -> { })[0];
    }

    double[] values(int rows, Perturbation perturbation) {
      int per = image.length;
      int k = weights.length;
      int chunk = Math.max(1, Math.min(rows, classifier.options().maxBatch()));
      float[] batch = new float[chunk * per];
      float[] copy = new float[per];
      double[] f = new double[rows];
      for (int start = 0; start < rows; start += chunk) {
        int b = Math.min(chunk, rows - start);
        for (int r = 0; r < b; r++) {
          System.arraycopy(image, 0, copy, 0, per);
          perturbation.apply(start + r, copy);
          System.arraycopy(copy, 0, batch, r * per, per);
        }
        float[] y = classifier.run(b == chunk ? batch : Arrays.copyOf(batch, b * per), b);
        for (int r = 0; r < b; r++) {
          double s = 0;
          for (int c = 0; c < k; c++) {
            s += (double) weights[c] * y[r * k + c];
          }
          f[start + r] = s;
        }
      }
      return f;
    }
  }
}
