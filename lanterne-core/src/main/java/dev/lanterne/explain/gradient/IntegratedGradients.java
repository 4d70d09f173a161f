package dev.lanterne.explain.gradient;

import dev.lanterne.explain.Explanation;
import dev.lanterne.image.Normalization;
import dev.lanterne.runtime.GradientModel;
import dev.lanterne.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Integrated Gradients (Sundararajan et al. 2017): {@code (x - x') * integral_0^1 grad(x' + a (x - x')) da},
 * the integral by the trapezoid rule on {@code steps} equally spaced points including both ends (weights
 * 1/(m-1), halved at the ends, so they sum to 1; Captum's default is Gauss-Legendre, and its
 * riemann_trapezoid uses weights 1/m) or by the midpoint rule. All path points of an image, for all its
 * classes, go to the gradient model in one call, after two rows for the input and the baseline whose
 * scores give the completeness gap {@code sum(attribution) - (score(x) - score(x'))}.
 */
public final class IntegratedGradients implements dev.lanterne.explain.Attribution {
  /** Quadrature on [0,1]. */
  public enum Rule {
    /** Trapezoid rule on m equally spaced points including both ends (needs m &gt;= 2). */
    TRAPEZOID,
    /** Midpoint rule: the centres of m equal intervals. */
    MIDPOINT;

    /** Path positions alpha_k. */
    double[] alphas(int m) {
      double[] a = new double[m];
      for (int k = 0; k < m; k++) {
        a[k] = this == TRAPEZOID ? (m == 1 ? 1.0 : (double) k / (m - 1)) : (k + 0.5) / m;
      }
      return a;
    }

    /** Quadrature weights, summing to 1. */
    double[] weights(int m) {
      double[] w = new double[m];
      for (int k = 0; k < m; k++) {
        w[k] = this == TRAPEZOID && m > 1 ? ((k == 0 || k == m - 1) ? 0.5 : 1.0) / (m - 1) : 1.0 / m;
      }
      return w;
    }
  }

  /**
   * @param steps path points m
   * @param rule quadrature
   * @param baseline reference input
   * @param blurSigma Gaussian sigma in pixels for the blurred baseline
   * @param normalization the model's pixel normalisation (for the black and noise baselines)
   * @param reduce how the colour channels of the attribution are combined
   * @param signed keep the attribution's sign in the map
   * @param seed seed of the noise baseline
   */
  public record Options(int steps, Rule rule, Baseline baseline, double blurSigma, Normalization normalization,
      ChannelReduction reduce, boolean signed, long seed) {
    /**
     * Checks the number of steps.
     *
     * @throws IllegalArgumentException when steps is below 2 (trapezoid) or 1 (midpoint)
     */
    public Options {
      if (steps < 2 && rule == Rule.TRAPEZOID || steps < 1) {
        throw new IllegalArgumentException("Integrated Gradients needs at least 2 trapezoid steps, got " + steps);
      }
    }

    /** 50 trapezoid steps from black, sum of magnitudes over channels, blur sigma 10 px, seed 0. */
    public static Options defaults(Normalization normalization) {
      return new Options(50, Rule.TRAPEZOID, Baseline.BLACK, 10.0, normalization, ChannelReduction.SUM, false, 0L);
    }

    /** The same options with another number of path points. */
    public Options withSteps(int m) {
      return new Options(m, rule, baseline, blurSigma, normalization, reduce, signed, seed);
    }

    /** The same options with another quadrature rule. */
    public Options withRule(Rule r) {
      return new Options(steps, r, baseline, blurSigma, normalization, reduce, signed, seed);
    }

    /** The same options with another baseline. */
    public Options withBaseline(Baseline b) {
      return new Options(steps, rule, b, blurSigma, normalization, reduce, signed, seed);
    }

    /** The same options with another channel reduction. */
    public Options withReduce(ChannelReduction r) {
      return new Options(steps, rule, baseline, blurSigma, normalization, r, signed, seed);
    }

    /** The same options, keeping the sign in the map or not. */
    public Options withSigned(boolean s) {
      return new Options(steps, rule, baseline, blurSigma, normalization, reduce, s, seed);
    }

    /** The same options with another seed for the noise baseline. */
    public Options withSeed(long s) {
      return new Options(steps, rule, baseline, blurSigma, normalization, reduce, signed, s);
    }
  }

  private final GradientModel model;
  private final Scoring scoring;
  private final dev.lanterne.explain.LanternModel owner;
  private final Options options;

  /** On a bare gradient session (no model object: {@link #attribute} needs explicit classes). */
  public IntegratedGradients(GradientModel model, Scoring scoring) {
    this.model = model;
    this.scoring = scoring;
    this.owner = null;
    this.options = null;
  }

  /** Integrated Gradients with the default options (50 steps, black baseline) on a model. */
  public IntegratedGradients(dev.lanterne.explain.LanternModel model) {
    this(model, Options.defaults(model.normalization()));
  }

  /** Integrated Gradients with the given options on a model. */
  public IntegratedGradients(dev.lanterne.explain.LanternModel model, Options options) {
    this.model = model.saliencyGraph(dev.lanterne.grad.Variant.STANDARD);
    this.scoring = Scoring.of(model.card(), model.labels());
    this.owner = model;
    this.options = options;
  }

  /** The method name in titles and explanations.json. */
  public static final String METHOD = "integrated-gradients";

  @Override
  public String name() {
    return METHOD;
  }

  @Override
  public dev.lanterne.explain.LanternModel model() {
    return owner;
  }

  @Override
  public List<Explanation> attribute(dev.lanterne.explain.Images images, int[][] classes) {
    return explain(images.tensor(), images.size(), classes,
        options != null ? options : Options.defaults(dev.lanterne.image.Normalization.IDENTITY));
  }

  /**
   * @param images normalised inputs [n,C,H,W]
   * @param classes the classes to explain for each image
   * @return one explanation per (image, class), image-major; raw is the signed attribution [C,H,W];
   *     details hold the completeness gap
   */
  public List<Explanation> explain(float[] images, int n, int[][] classes, Options options) {
    int[] chw = model.inputShape();
    int per = chw[0] * chw[1] * chw[2];
    Inputs.check(images, n, per);
    Targets all = Targets.of(n, classes, model.numClasses());
    SplittableRandom random = new SplittableRandom(options.seed());
    List<Explanation> out = new ArrayList<>(all.size());
    int t0 = 0;
    for (int i = 0; i < n; i++) {
      float[] image = java.util.Arrays.copyOfRange(images, i * per, (i + 1) * per);
      float[] baseline = options.baseline().of(image, chw, options.normalization(), options.blurSigma(),
          random.split());
      explainImage(image, baseline, i, chw, classes[i], t0, all, options, out);
      t0 += classes[i].length;
    }
    return out;
  }

  /** Rows: 0 the input, 1 the baseline, then one block of m path points per class. */
  private void explainImage(float[] image, float[] baseline, int imageIndex, int[] chw, int[] classes, int t0,
      Targets all, Options options, List<Explanation> out) {
    int per = image.length;
    int m = options.steps();
    double[] alphas = options.rule().alphas(m);
    double[] weights = options.rule().weights(m);
    int rows = 2 + classes.length * m;
    float[] x = new float[rows * per];
    System.arraycopy(image, 0, x, 0, per);
    System.arraycopy(baseline, 0, x, per, per);
    for (int k = 0; k < m; k++) {
      float a = (float) alphas[k];
      int off = (2 + k) * per;
      for (int p = 0; p < per; p++) {
        x[off + p] = baseline[p] + a * (image[p] - baseline[p]);
      }
    }
    float[] seed = new float[rows * model.numClasses()];
    for (int j = 0; j < classes.length; j++) {
      if (j > 0) {
        System.arraycopy(x, 2 * per, x, (2 + j * m) * per, m * per);
      }
      for (int k = 0; k < m; k++) {
        all.setSeedRow(seed, 2 + j * m + k, t0 + j);
      }
    }
    GradientModel.Result r = model.gradient(x, rows, seed);
    float[] g = r.inputGradient();
    int numClasses = model.numClasses();
    for (int j = 0; j < classes.length; j++) {
      double[] integral = new double[per];
      for (int k = 0; k < m; k++) {
        int off = (2 + j * m + k) * per;
        double w = weights[k];
        for (int p = 0; p < per; p++) {
          integral[p] += w * g[off + p];
        }
      }
      float[] attribution = new float[per];
      double total = 0;
      for (int p = 0; p < per; p++) {
        attribution[p] = (float) ((image[p] - baseline[p]) * integral[p]);
        total += attribution[p];
      }
      int cls = classes[j];
      double difference = (double) r.scores()[cls] - r.scores()[numClasses + cls];
      Map<String, Object> details = new LinkedHashMap<>();
      details.put("steps", m);
      details.put("rule", options.rule().name().toLowerCase(Locale.ROOT));
      details.put("baseline", options.baseline().name().toLowerCase(Locale.ROOT));
      details.put("attributionSum", total);
      details.put("scoreDifference", difference);
      details.put("completenessGap", total - difference);
      details.put("relativeGap", Math.abs(total - difference) / Math.max(Math.abs(difference), 1e-12));
      float[] map = options.reduce().reduce(attribution, 0, chw[0], chw[1] * chw[2], options.signed());
      out.add(scoring.explanation(imageIndex, "integrated-gradients", cls, r.scores(), 0, numClasses,
          new Tensor(map, new int[] {chw[1], chw[2]}), new Tensor(attribution, chw.clone()), details));
    }
  }
}
