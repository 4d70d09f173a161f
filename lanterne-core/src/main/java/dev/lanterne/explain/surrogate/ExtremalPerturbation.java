package dev.lanterne.explain.surrogate;

import dev.lanterne.explain.Attribution;
import dev.lanterne.explain.Explanation;
import dev.lanterne.explain.Images;
import dev.lanterne.explain.LanternModel;
import dev.lanterne.explain.perturbation.GaussianBlur;
import dev.lanterne.grad.Variant;
import dev.lanterne.runtime.GradientModel;
import dev.lanterne.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Extremal perturbation (Fong, Patrick, Vedaldi, ICCV 2019), the preserve variant as TorchRay runs
 * it: find the smooth mask m of a given area whose preserved image m x + (1 - m) blur(x) keeps the
 * class logit highest. Maximises logit_c(m x + (1 - m) blur(x)) - lambda mean((sort(m) - r)^2),
 * r the sorted reference of (1 - area) zeros and area ones, by SGD with momentum on the mask
 * parameters, clamped to [0,1]. The logit's gradient with respect to the mask comes from the
 * compiled saliency graph: d logit / d m = sum over channels of grad_x * (x - blur(x)) (in the
 * normalised space, where the perturbation is the same affine blend), then through the smooth-mask
 * generator ({@link SmoothMask}) in Java. All classes of an image are optimised in one batch. The
 * map is the mask at the input size. Deterministic (the jitter is a fixed flip schedule).
 */
public final class ExtremalPerturbation implements Attribution {
  /** The method's name. */
  public static final String METHOD = "extremal";

  private final LanternModel model;
  private final ExtremalOptions options;

  /** With TorchRay's defaults. */
  public ExtremalPerturbation(LanternModel model) {
    this(model, ExtremalOptions.DEFAULTS);
  }

  /** With the given options. */
  public ExtremalPerturbation(LanternModel model, ExtremalOptions options) {
    this.model = model;
    this.options = options;
  }

  @Override
  public String name() {
    return METHOD;
  }

  @Override
  public LanternModel model() {
    return model;
  }

  /** The options. */
  public ExtremalOptions options() {
    return options;
  }

  @Override
  public List<Explanation> attribute(Images images, int[][] classes) {
    int[] chw = images.chw();
    int c = chw[0];
    int h = chw[1];
    int w = chw[2];
    int plane = h * w;
    int k = model.numClasses();
    GradientModel grad = model.saliencyGraph(Variant.STANDARD);
    SmoothMask gen = new SmoothMask(h, w, options.step(), options.sigma(), options.coldness());
    int full = gen.outH * gen.outW;
    int ones = full - (int) (full * (1 - options.area()));
    List<Explanation> out = new ArrayList<>();
    for (int i = 0; i < images.size(); i++) {
      long t0 = System.nanoTime();
      float[] x = images.tensor(i);
      float[] blurred = model.normalization().apply(GaussianBlur.blur(model.pixels(x), c, h, w, options.blurSigma()));
      float[] diff = new float[x.length];
      for (int j = 0; j < x.length; j++) {
        diff[j] = x[j] - blurred[j];
      }
      int[] cls = classes[i];
      int n = cls.length;
      float[] seed = new float[n * k];
      for (int j = 0; j < n; j++) {
        seed[j * k + cls[j]] = 1;
      }
      float[][] p = new float[n][gen.parameters()];
      float[][] velocity = new float[n][gen.parameters()];
      for (float[] row : p) {
        Arrays.fill(row, 1f);
      }
      double weight = options.areaWeight();
      float[] input = new float[n * c * plane];
      float[][] masks = new float[n][];
      float[][] fullMasks = new float[n][];
      double[] reward = new double[n];
      double[] penalty = new double[n];
      for (int t = 0; t < options.iterations(); t++) {
        boolean flip = options.jitter() && t % 2 == 0;
        for (int j = 0; j < n; j++) {
          fullMasks[j] = gen.generate(p[j]);
          masks[j] = gen.crop(fullMasks[j]);
          compose(x, blurred, masks[j], input, j * c * plane, c, h, w, flip);
        }
        GradientModel.Result r = grad.gradient(input, n, seed);
        for (int j = 0; j < n; j++) {
          reward[j] = r.scores()[j * k + cls[j]];
          float[] dMask = new float[full];
          int o = j * c * plane;
          for (int y = 0; y < h; y++) {
            for (int xx = 0; xx < w; xx++) {
              int u = y * w + xx;
              int v = y * w + (flip ? w - 1 - xx : xx);
              double s = 0;
              for (int ch = 0; ch < c; ch++) {
                s += r.inputGradient()[o + ch * plane + v] * diff[ch * plane + u];
              }
              dMask[(y + gen.margin) * gen.outW + xx + gen.margin] = (float) s;
            }
          }
          penalty[j] = areaGradient(fullMasks[j], ones, weight, dMask);
          float[] g = gen.backward(p[j], dMask);
          for (int q = 0; q < g.length; q++) {
            // ascend the energy: SGD on -energy, momentum with dampening as torch.optim.SGD
            float d = -g[q];
            velocity[j][q] = t == 0 ? d : (float) (options.momentum() * velocity[j][q] + (1 - options.momentum()) * d);
            p[j][q] = (float) Math.min(1, Math.max(0, p[j][q] - options.learningRate() * velocity[j][q]));
          }
        }
        weight *= options.areaGrowth();
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      float[] raw = model.scores(x, 1);
      float[] prob = model.probabilities(raw, 1);
      for (int j = 0; j < n; j++) {
        float[] mask = gen.crop(gen.generate(p[j]));
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("area", options.area());
        d.put("iterations", options.iterations());
        d.put("step", options.step());
        d.put("sigma", options.sigma());
        d.put("blurSigma", options.blurSigma());
        d.put("variant", "preserve");
        d.put("preservedLogit", reward[j]);
        d.put("areaPenalty", penalty[j]);
        d.put("seconds", seconds);
        out.add(new Explanation(i, METHOD, cls[j], model.labels().get(cls[j]), raw[cls[j]], prob[cls[j]],
            new Tensor(mask, new int[] {h, w}), null, d));
      }
    }
    return out;
  }

  /** input = m x + (1 - m) blurred, flipped left-right when asked. */
  private static void compose(float[] x, float[] blurred, float[] mask, float[] input, int offset, int c, int h,
      int w, boolean flip) {
    int plane = h * w;
    for (int ch = 0; ch < c; ch++) {
      for (int y = 0; y < h; y++) {
        for (int xx = 0; xx < w; xx++) {
          int u = ch * plane + y * w + xx;
          float m = mask[y * w + xx];
          int v = ch * plane + y * w + (flip ? w - 1 - xx : xx);
          input[offset + v] = m * x[u] + (1 - m) * blurred[u];
        }
      }
    }
  }

  /**
   * Adds the gradient of -weight * mean((sort(m) - ref)^2) to dMask; returns the penalty's value.
   * ref: the first (N - ones) sorted positions 0, the rest 1.
   */
  static double areaGradient(float[] mask, int ones, double weight, float[] dMask) {
    int n = mask.length;
    // mask values lie in [0,1]: their float bits sort as the values do; the index rides in the low half
    long[] order = new long[n];
    for (int u = 0; u < n; u++) {
      order[u] = ((long) Float.floatToIntBits(Math.max(0f, mask[u])) << 32) | u;
    }
    Arrays.sort(order);
    double sum = 0;
    for (int j = 0; j < n; j++) {
      int u = (int) (order[j] & 0xffffffffL);
      double ref = j >= n - ones ? 1 : 0;
      double e = mask[u] - ref;
      sum += e * e;
      dMask[u] += (float) (-2 * e / n * weight);
    }
    return sum / n * weight;
  }
}
