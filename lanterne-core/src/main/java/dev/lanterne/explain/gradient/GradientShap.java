package dev.lanterne.explain.gradient;

import dev.lanterne.LanterneException;
import dev.lanterne.explain.Explanation;
import dev.lanterne.explain.Images;
import dev.lanterne.explain.LanternModel;
import dev.lanterne.image.Normalization;
import dev.lanterne.runtime.GradientModel;
import dev.lanterne.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * GradientSHAP (Lundberg and Lee 2017), as Captum's {@code GradientShap}: expected gradients over a
 * baseline distribution. Each sample draws a baseline b from the distribution, adds Gaussian noise to
 * the input (sigma {@code stdev} of the pixel range, 0 by default as Captum), picks alpha uniform in
 * [0,1], takes the gradient at b + alpha (x~ - b) and multiplies it by (x~ - b); the attribution is
 * the mean over the samples, so in expectation it sums to f(x) - E[f(b)]. The distribution is a list
 * of baseline kinds drawn uniformly; each draw of the noise kind is a fresh uniform-noise image.
 * Seeded: image i's samples depend on the seed and i only. All samples of all classes of an image go
 * to the gradient graph in one batch. Deliberate difference: Captum takes the baselines as a tensor
 * the caller supplies, and defaults to 5 samples (here 20).
 */
public final class GradientShap implements dev.lanterne.explain.Attribution {
  /** The method name in titles and explanations.json. */
  public static final String METHOD = "gradient-shap";

  /**
   * @param samples samples per image
   * @param stdev input noise sigma as a fraction of the pixel range [0,1]
   * @param baselines the distribution: baseline kinds drawn uniformly per sample
   * @param blurSigma Gaussian sigma in pixels for the blur baseline
   * @param normalization the model's pixel normalisation
   * @param reduce how the colour channels combine in the map
   * @param signed keep the sign in the map
   * @param seed random seed
   */
  public record Options(int samples, double stdev, List<Baseline> baselines, double blurSigma,
      Normalization normalization, ChannelReduction reduce, boolean signed, long seed) {
    /** Checks the sample count and the distribution. */
    public Options {
      if (samples < 1) {
        throw LanterneException.usage("GradientSHAP needs at least one sample, got " + samples);
      }
      if (baselines == null || baselines.isEmpty()) {
        throw LanterneException.usage("GradientSHAP needs at least one baseline kind");
      }
      baselines = List.copyOf(baselines);
    }

    /** 20 samples, no input noise, baselines black and uniform noise, magnitudes summed, seed 0. */
    public static Options defaults(Normalization normalization) {
      return new Options(20, 0.0, List.of(Baseline.BLACK, Baseline.NOISE), 10.0, normalization,
          ChannelReduction.SUM, false, 0L);
    }

    /** With another number of samples. */
    public Options withSamples(int s) {
      return new Options(s, stdev, baselines, blurSigma, normalization, reduce, signed, seed);
    }

    /** With another input noise sigma. */
    public Options withStdev(double s) {
      return new Options(samples, s, baselines, blurSigma, normalization, reduce, signed, seed);
    }

    /** With another baseline distribution. */
    public Options withBaselines(List<Baseline> b) {
      return new Options(samples, stdev, b, blurSigma, normalization, reduce, signed, seed);
    }

    /** With another channel reduction. */
    public Options withReduce(ChannelReduction r) {
      return new Options(samples, stdev, baselines, blurSigma, normalization, r, signed, seed);
    }

    /** With another seed. */
    public Options withSeed(long s) {
      return new Options(samples, stdev, baselines, blurSigma, normalization, reduce, signed, s);
    }
  }

  private final LanternModel owner;
  private final GradientModel model;
  private final Scoring scoring;
  private final Options options;

  /** GradientSHAP with the default options. */
  public GradientShap(LanternModel model) {
    this(model, Options.defaults(model.normalization()));
  }

  /** GradientSHAP with options, on the model's saliency graph. */
  public GradientShap(LanternModel model, Options options) {
    this.owner = model;
    this.model = model.saliencyGraph(dev.lanterne.grad.Variant.STANDARD);
    this.scoring = Scoring.of(model.card(), model.labels());
    this.options = options;
  }

  @Override
  public String name() {
    return METHOD;
  }

  @Override
  public LanternModel model() {
    return owner;
  }

  @Override
  public List<Explanation> attribute(Images images, int[][] classes) {
    int[] chw = model.inputShape();
    int plane = chw[1] * chw[2];
    int per = chw[0] * plane;
    int n = images.size();
    Inputs.check(images.tensor(), n, per);
    Targets all = Targets.of(n, classes, model.numClasses());
    int k = model.numClasses();
    int m = options.samples();
    List<Explanation> out = new ArrayList<>(all.size());
    int t0 = 0;
    for (int i = 0; i < n; i++) {
      float[] image = Arrays.copyOfRange(images.tensor(), i * per, (i + 1) * per);
      SplittableRandom random = new SplittableRandom(options.seed() * 0x9E3779B97F4A7C15L + i);
      // per sample: the difference x~ - b, and the path point where the gradient is taken
      float[] difference = new float[m * per];
      float[] points = new float[m * per];
      for (int s = 0; s < m; s++) {
        Baseline kind = options.baselines().get(random.nextInt(options.baselines().size()));
        float[] b = kind.of(image, chw, options.normalization(), options.blurSigma(), random.split());
        float alpha = (float) random.nextDouble();
        for (int c = 0; c < chw[0]; c++) {
          double sigma = options.stdev() / options.normalization().std()[c];
          for (int p = 0; p < plane; p++) {
            int j = c * plane + p;
            float noisy = sigma > 0 ? (float) (image[j] + sigma * random.nextGaussian()) : image[j];
            difference[s * per + j] = noisy - b[j];
            points[s * per + j] = b[j] + alpha * (noisy - b[j]);
          }
        }
      }
      int rows = classes[i].length * m;
      float[] x = new float[rows * per];
      float[] seed = new float[rows * k];
      for (int j = 0; j < classes[i].length; j++) {
        System.arraycopy(points, 0, x, j * m * per, m * per);
        for (int s = 0; s < m; s++) {
          all.setSeedRow(seed, j * m + s, t0 + j);
        }
      }
      GradientModel.Result r = model.gradient(x, rows, seed);
      // the clean image's scores: the gradient graph scored path points
      float[] clean = owner.scores(image, 1);
      for (int j = 0; j < classes[i].length; j++) {
        float[] attribution = new float[per];
        for (int s = 0; s < m; s++) {
          int off = (j * m + s) * per;
          for (int p = 0; p < per; p++) {
            attribution[p] += r.inputGradient()[off + p] * difference[s * per + p] / m;
          }
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("samples", m);
        details.put("stdev", options.stdev());
        details.put("baselines", options.baselines().stream().map(b -> b.name().toLowerCase(Locale.ROOT)).toList());
        float[] map = options.reduce().reduce(attribution, 0, chw[0], plane, options.signed());
        out.add(scoring.explanation(i, METHOD, classes[i][j], clean, 0, k,
            new Tensor(map, new int[] {chw[1], chw[2]}), new Tensor(attribution, chw.clone()), details));
      }
      t0 += classes[i].length;
    }
    return out;
  }
}
