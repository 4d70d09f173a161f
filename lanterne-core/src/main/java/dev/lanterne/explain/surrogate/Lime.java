package dev.lanterne.explain.surrogate;

import dev.lanterne.explain.LanternModel;
import java.util.SplittableRandom;

/**
 * LIME over superpixels (Ribeiro, Singh, Guestrin, KDD 2016), as Captum's {@code Lime}: coalitions
 * drawn with each segment kept with probability 1/2, each weighted by the exponential kernel
 * exp(-d^2 / (2 width^2)) of the cosine distance d between the original and the perturbed model
 * input (Captum's {@code get_exp_kernel_similarity_function("cosine", 1.0)}), and a weighted linear
 * surrogate fitted to the scores (ridge by default, see {@link SurrogateOptions#LIME}). The map is
 * each segment's coefficient. Seeded.
 */
public final class Lime extends SegmentMethod {
  /** The method's name. */
  public static final String METHOD = "lime";

  /** With the default options ({@link SurrogateOptions#LIME}). */
  public Lime(LanternModel model) {
    this(model, SurrogateOptions.LIME.withBatch(model.runtime().maxBatch()));
  }

  /** With the given options. */
  public Lime(LanternModel model, SurrogateOptions options) {
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
    SplittableRandom rnd = new SplittableRandom(seed);
    boolean[][] z = new boolean[n][m];
    double[][] x = new double[n][m];
    for (int i = 0; i < n; i++) {
      for (int s = 0; s < m; s++) {
        z[i][s] = rnd.nextBoolean();
        x[i][s] = z[i][s] ? 1 : 0;
      }
    }
    double[] w = cosineKernel(runner, z, options().kernelWidth());
    return Surrogates.fitAll(runner.scores(z, classes), x, w, options().fit(), classes.length, n);
  }

  /**
   * exp(-d^2 / (2 width^2)) with d = 1 - cos(x, perturbed x), computed from per-segment sums
   * (x.x, x.fill, fill.fill) without composing the inputs.
   */
  static double[] cosineKernel(SegmentRunner runner, boolean[][] z, double width) {
    Segments seg = runner.segments();
    int m = seg.count();
    int plane = seg.height() * seg.width();
    float[] xs = runner.image();
    float[] fs = runner.fill();
    int[] labels = seg.labels();
    double[] xx = new double[m];
    double[] xf = new double[m];
    double[] ff = new double[m];
    for (int i = 0; i < xs.length; i++) {
      int s = labels[i % plane];
      xx[s] += (double) xs[i] * xs[i];
      xf[s] += (double) xs[i] * fs[i];
      ff[s] += (double) fs[i] * fs[i];
    }
    double total = 0;
    for (double v : xx) {
      total += v;
    }
    double[] w = new double[z.length];
    for (int i = 0; i < z.length; i++) {
      double dot = 0;
      double pp = 0;
      for (int s = 0; s < m; s++) {
        dot += z[i][s] ? xx[s] : xf[s];
        pp += z[i][s] ? xx[s] : ff[s];
      }
      double cos = total > 0 && pp > 0 ? dot / Math.sqrt(total * pp) : 0;
      double d = 1 - cos;
      w[i] = Math.exp(-d * d / (2 * width * width));
    }
    return w;
  }
}
