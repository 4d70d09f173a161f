package dev.lanterne.explain;

import dev.lanterne.LanterneException;
import dev.lanterne.image.Normalization;
import dev.lanterne.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Captum's NoiseTunnel around any attribution: the wrapped method explains {@code samples} noisy
 * copies of each image (Gaussian noise, sigma a fraction of the pixel range, in each channel's
 * normalised units) and the maps are aggregated: their mean (SmoothGrad, Smilkov et al. 2017), the
 * mean of their squares (SmoothGrad squared) or their variance (VarGrad). Maps and, where the method
 * gives one, raw attributions are aggregated element-wise. Score and probability are the clean
 * image's. Seeded: image i's noise comes from {@code seed} and i alone, whatever the batch.
 */
public final class NoiseTunnel implements Attribution {
  /** How the noisy maps are combined. */
  public enum Aggregation {
    /** Mean of the maps. */
    SMOOTHGRAD("smoothgrad"),
    /** Mean of the squared maps. */
    SQUARED("smoothgrad-squared"),
    /** Variance of the maps. */
    VARGRAD("vargrad");

    private final String word;

    Aggregation(String word) {
      this.word = word;
    }

    /** The word in method names and options. */
    public String word() {
      return word;
    }

    /** Parses "smoothgrad", "smoothgrad-squared" (or "squared"), "vargrad". */
    public static Aggregation parse(String s) {
      for (Aggregation a : values()) {
        if (a.word.equalsIgnoreCase(s) || a.name().equalsIgnoreCase(s)) {
          return a;
        }
      }
      throw LanterneException.usage("unknown noise aggregation '" + s + "'; use smoothgrad, squared or vargrad");
    }
  }

  /** Number of noisy copies per image. */
  public static final Setting<Integer> SAMPLES = Setting.integer("samples", "noisy copies per image", 50, 1, 100_000);
  /** Noise sigma as a fraction of the pixel range [0,1]. */
  public static final Setting<Double> NOISE = Setting.real("noise", "noise sigma, fraction of the pixel range", 0.15,
      0, 10);

  /**
   * Settings of the noise tunnel.
   *
   * @param samples noisy copies per image
   * @param noiseLevel sigma as a fraction of the pixel range [0,1]
   * @param aggregation how the maps are combined
   * @param seed noise seed
   */
  public record Options(int samples, double noiseLevel, Aggregation aggregation, long seed) {
    /** 50 samples, sigma 0.15, mean, seed 0 (Captum's and the SmoothGrad paper's usual settings). */
    public static final Options DEFAULT = new Options(SAMPLES.defaultValue(), NOISE.defaultValue(),
        Aggregation.SMOOTHGRAD, 0L);

    /**
     * Checks the values.
     *
     * @throws dev.lanterne.LanterneException (usage) when samples is below 1 or the noise level is negative
     *     or not finite
     */
    public Options {
      if (samples < 1) {
        throw LanterneException.usage("samples must be at least 1, got " + samples);
      }
      if (!(noiseLevel >= 0) || Double.isInfinite(noiseLevel)) {
        throw LanterneException.usage("noise must be a finite value >= 0, got " + noiseLevel);
      }
    }

    /** With another number of samples. */
    public Options withSamples(int n) {
      return new Options(n, noiseLevel, aggregation, seed);
    }

    /** With another noise level. */
    public Options withNoiseLevel(double s) {
      return new Options(samples, s, aggregation, seed);
    }

    /** With another aggregation. */
    public Options withAggregation(Aggregation a) {
      return new Options(samples, noiseLevel, a, seed);
    }

    /** With another seed. */
    public Options withSeed(long s) {
      return new Options(samples, noiseLevel, aggregation, s);
    }
  }

  private final Attribution inner;
  private final Options options;

  /** Wraps a method; its model gives the normalisation that scales the noise. */
  public NoiseTunnel(Attribution inner, Options options) {
    if (inner.model() == null) {
      throw new IllegalArgumentException("NoiseTunnel needs a method made on a LanternModel");
    }
    this.inner = inner;
    this.options = options;
  }

  @Override
  public String name() {
    return inner.name() + "+" + options.aggregation().word();
  }

  @Override
  public LanternModel model() {
    return inner.model();
  }

  @Override
  public List<Explanation> attribute(Images images, int[][] classes) {
    LanternModel model = inner.model();
    Normalization norm = model.normalization();
    int[] chw = images.chw();
    int plane = chw[1] * chw[2];
    int per = images.valuesPerImage();
    int samples = options.samples();
    float[] clean = model.scores(images.tensor(), images.size());
    float[] prob = model.probabilities(clean, images.size());
    int k = model.numClasses();
    List<Explanation> out = new ArrayList<>();
    for (int i = 0; i < images.size(); i++) {
      SplittableRandom random = new SplittableRandom(options.seed() * 0x9E3779B97F4A7C15L + i);
      float[] base = images.tensor(i);
      float[] noisy = new float[samples * per];
      for (int s = 0; s < samples; s++) {
        for (int c = 0; c < chw[0]; c++) {
          float sigma = norm.scale(c, (float) options.noiseLevel());
          for (int p = 0; p < plane; p++) {
            noisy[s * per + c * plane + p] = base[c * plane + p] + (float) (sigma * random.nextGaussian());
          }
        }
      }
      List<String> names = new ArrayList<>();
      List<java.awt.image.BufferedImage> shown = new ArrayList<>();
      int[][] repeated = new int[samples][];
      for (int s = 0; s < samples; s++) {
        names.add(images.names().get(i));
        shown.add(images.shown().get(i));
        repeated[s] = classes[i];
      }
      List<Explanation> maps = inner.attribute(new Images(names, shown, noisy, chw), repeated);
      int perImage = classes[i].length;
      for (int j = 0; j < perImage; j++) {
        List<Explanation> ofClass = new ArrayList<>(samples);
        for (int s = 0; s < samples; s++) {
          ofClass.add(maps.get(s * perImage + j));
        }
        Explanation first = ofClass.get(0);
        Tensor map = aggregate(ofClass, false);
        Tensor raw = first.raw() == null ? null : aggregate(ofClass, true);
        Map<String, Object> details = new LinkedHashMap<>(first.details() == null ? Map.of() : first.details());
        details.put("wrapped", inner.name());
        details.put("samples", samples);
        details.put("noiseLevel", options.noiseLevel());
        details.put("aggregation", options.aggregation().word());
        details.put("seed", options.seed());
        int c = classes[i][j];
        out.add(new Explanation(i, name(), c, model.labels().get(c), clean[i * k + c], prob[i * k + c], map, raw,
            details));
      }
    }
    return out;
  }

  private Tensor aggregate(List<Explanation> maps, boolean raw) {
    Tensor first = raw ? maps.get(0).raw() : maps.get(0).map();
    int n = first.data().length;
    double[] sum = new double[n];
    double[] sumSq = new double[n];
    for (Explanation e : maps) {
      float[] v = (raw ? e.raw() : e.map()).data();
      for (int p = 0; p < n; p++) {
        sum[p] += v[p];
        sumSq[p] += (double) v[p] * v[p];
      }
    }
    int m = maps.size();
    float[] out = new float[n];
    for (int p = 0; p < n; p++) {
      double mean = sum[p] / m;
      double meanSq = sumSq[p] / m;
      out[p] = (float) switch (options.aggregation()) {
        case SMOOTHGRAD -> mean;
        case SQUARED -> meanSq;
        case VARGRAD -> Math.max(0, meanSq - mean * mean);
      };
    }
    return new Tensor(out, first.shape());
  }
}
