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
import java.util.stream.IntStream;

/**
 * SmoothGrad (Smilkov et al. 2017) and its variants, following Captum's NoiseTunnel: the gradient at
 * {@code samples} copies of the image with Gaussian noise, aggregated per element as the mean
 * (smoothgrad), the mean of squares (smoothgrad_sq) or the variance (vargrad), then reduced over the
 * colour channels. All noisy copies of an image (for all its classes) go to the gradient model in one
 * call; the model chunks as it needs. The reported score is the clean image's, from the model's plain
 * forward (on a bare gradient model, from one extra gradient row).
 */
public final class SmoothGrad implements dev.lanterne.explain.Attribution {
  /** How the noisy gradients are aggregated. */
  public enum Variant {
    /** Mean of the noisy gradients. */
    SMOOTHGRAD("smoothgrad"),
    /** Mean of their squares. */
    SQUARED("smoothgrad-squared"),
    /** Their variance. */
    VARGRAD("vargrad");

    private final String method;

    Variant(String method) {
      this.method = method;
    }

    /** The method name in titles and explanations.json. */
    public String method() {
      return method;
    }
  }

  /**
   * @param samples noisy copies per image (n)
   * @param noiseLevel noise sigma as a fraction of the pixel value range [0,1]; converted to each
   *     channel's normalised units with {@code normalization}'s std
   * @param normalization the model's pixel normalisation
   * @param variant aggregation
   * @param reduce how the colour channels are combined
   * @param seed noise seed
   */
  public record Options(int samples, double noiseLevel, Normalization normalization, Variant variant,
      ChannelReduction reduce, long seed) {
    /**
     * Checks the values.
     *
     * @throws IllegalArgumentException when samples is below 1 or the noise level is negative or not finite
     */
    public Options {
      if (samples < 1) {
        throw new IllegalArgumentException("SmoothGrad needs at least one sample, got " + samples);
      }
      if (!(noiseLevel >= 0) || Double.isInfinite(noiseLevel)) {
        throw new IllegalArgumentException("noise level must be a finite value >= 0, got " + noiseLevel);
      }
    }

    /** 50 samples, sigma 0.15 of the pixel range, plain SmoothGrad, max over channels, seed 0. */
    public static Options defaults(Normalization normalization) {
      return new Options(50, 0.15, normalization, Variant.SMOOTHGRAD, ChannelReduction.MAX, 0L);
    }

    /** The same options with another number of noisy copies. */
    public Options withSamples(int n) {
      return new Options(n, noiseLevel, normalization, variant, reduce, seed);
    }

    /** The same options with another noise sigma, as a fraction of the pixel range. */
    public Options withNoiseLevel(double s) {
      return new Options(samples, s, normalization, variant, reduce, seed);
    }

    /** The same options with another aggregation. */
    public Options withVariant(Variant v) {
      return new Options(samples, noiseLevel, normalization, v, reduce, seed);
    }

    /** The same options with another channel reduction. */
    public Options withReduce(ChannelReduction r) {
      return new Options(samples, noiseLevel, normalization, variant, r, seed);
    }

    /** The same options with another noise seed. */
    public Options withSeed(long s) {
      return new Options(samples, noiseLevel, normalization, variant, reduce, s);
    }

    /** Noise sigma of channel c in normalised units. */
    float sigma(int c) {
      return normalization.scale(c, (float) noiseLevel);
    }
  }

  private final GradientModel model;
  private final Scoring scoring;
  private final dev.lanterne.explain.LanternModel owner;
  private final Options options;

  /** On a bare gradient session (no model object: {@link #attribute} needs explicit classes). */
  public SmoothGrad(GradientModel model, Scoring scoring) {
    this.model = model;
    this.scoring = scoring;
    this.owner = null;
    this.options = null;
  }

  /** SmoothGrad with the default options (50 samples, noise 0.15, max over channels) on a model. */
  public SmoothGrad(dev.lanterne.explain.LanternModel model) {
    this(model, Options.defaults(model.normalization()));
  }

  /** SmoothGrad (or its squared / VarGrad variant) with the given options on a model. */
  public SmoothGrad(dev.lanterne.explain.LanternModel model, Options options) {
    this.model = model.saliencyGraph(dev.lanterne.grad.Variant.STANDARD);
    this.scoring = Scoring.of(model.card(), model.labels());
    this.owner = model;
    this.options = options;
  }

  @Override
  public String name() {
    return options == null ? Variant.SMOOTHGRAD.method() : options.variant().method();
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
   * @return one explanation per (image, class), image-major; raw is the aggregated gradient [C,H,W]
   */
  public List<Explanation> explain(float[] images, int n, int[][] classes, Options options) {
    int[] chw = model.inputShape();
    int plane = chw[1] * chw[2];
    int per = chw[0] * plane;
    Inputs.check(images, n, per);
    if (options.normalization().channels() != chw[0]) {
      throw new IllegalArgumentException("normalisation has " + options.normalization().channels()
          + " channels, the model " + chw[0]);
    }
    Targets all = Targets.of(n, classes, model.numClasses());
    SplittableRandom random = new SplittableRandom(options.seed());
    List<Explanation> out = new ArrayList<>(all.size());
    int t0 = 0;
    for (int i = 0; i < n; i++) {
      explainImage(images, i, per, plane, chw, classes[i], t0, all, random.split(), options, out);
      t0 += classes[i].length;
    }
    return out;
  }

  /**
   * Rows: classes.length blocks of samples noisy copies, then, on a bare gradient model only, the
   * clean image for its scores. On a model object the clean scores come from its plain forward, which
   * costs a fraction of one more gradient row and is the deployed model's own output.
   */
  private void explainImage(float[] images, int image, int per, int plane, int[] chw, int[] classes, int t0,
      Targets all, SplittableRandom random, Options options, List<Explanation> out) {
    int samples = options.samples();
    boolean cleanRow = owner == null;
    int noisy = classes.length * samples;
    int rows = noisy + (cleanRow ? 1 : 0);
    float[] x = new float[rows * per];
    // one generator per row, split in row order, so the noise does not depend on how many threads draw it
    SplittableRandom[] perRow = new SplittableRandom[samples];
    for (int s = 0; s < samples; s++) {
      perRow[s] = random.split();
    }
    IntStream.range(0, samples).parallel().forEach(s -> {
      SplittableRandom r = perRow[s];
      for (int c = 0; c < chw[0]; c++) {
        float sigma = options.sigma(c);
        int src = image * per + c * plane;
        int dst = s * per + c * plane;
        for (int p = 0; p < plane; p++) {
          x[dst + p] = images[src + p] + (float) (sigma * r.nextGaussian());
        }
      }
    });
    if (cleanRow) {
      System.arraycopy(images, image * per, x, noisy * per, per);
    }
    float[] seed = new float[rows * model.numClasses()];
    for (int k = 0; k < classes.length; k++) {
      if (k > 0) {
        System.arraycopy(x, 0, x, k * samples * per, samples * per);
      }
      for (int s = 0; s < samples; s++) {
        all.setSeedRow(seed, k * samples + s, t0 + k);
      }
    }
    GradientModel.Result r = model.gradient(x, rows, seed);
    float[] scores;
    int scoreRow;
    if (cleanRow) {
      scores = r.scores();
      scoreRow = noisy;
    } else {
      scores = owner.scores(java.util.Arrays.copyOfRange(images, image * per, (image + 1) * per), 1);
      scoreRow = 0;
    }
    for (int k = 0; k < classes.length; k++) {
      float[] raw = aggregate(r.inputGradient(), k * samples, samples, per, options.variant());
      float[] map = options.reduce().reduce(raw, 0, chw[0], plane, false);
      Map<String, Object> details = new LinkedHashMap<>();
      details.put("samples", samples);
      details.put("noiseLevel", options.noiseLevel());
      details.put("sigma", sigmas(options, chw[0]));
      details.put("reduce", options.reduce().name().toLowerCase(Locale.ROOT));
      details.put("seed", options.seed());
      out.add(scoring.explanation(image, options.variant().method(), classes[k], scores, scoreRow,
          model.numClasses(), new Tensor(map, new int[] {chw[1], chw[2]}), new Tensor(raw, chw.clone()), details));
    }
  }

  private static float[] sigmas(Options options, int channels) {
    float[] s = new float[channels];
    for (int c = 0; c < channels; c++) {
      s[c] = options.sigma(c);
    }
    return s;
  }

  /** Mean, mean of squares, or variance (two-pass, so never negative) of rows first .. first+count. */
  static float[] aggregate(float[] grads, int first, int count, int per, Variant variant) {
    double[] mean = new double[per];
    for (int s = 0; s < count; s++) {
      int off = (first + s) * per;
      if (variant == Variant.SQUARED) {
        for (int p = 0; p < per; p++) {
          double g = grads[off + p];
          mean[p] += g * g;
        }
      } else {
        for (int p = 0; p < per; p++) {
          mean[p] += grads[off + p];
        }
      }
    }
    for (int p = 0; p < per; p++) {
      mean[p] /= count;
    }
    float[] out = new float[per];
    if (variant != Variant.VARGRAD) {
      for (int p = 0; p < per; p++) {
        out[p] = (float) mean[p];
      }
      return out;
    }
    double[] var = new double[per];
    for (int s = 0; s < count; s++) {
      int off = (first + s) * per;
      for (int p = 0; p < per; p++) {
        double d = grads[off + p] - mean[p];
        var[p] += d * d;
      }
    }
    for (int p = 0; p < per; p++) {
      out[p] = (float) (var[p] / count);
    }
    return out;
  }
}
