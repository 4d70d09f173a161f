package dev.lanterne.explain.gradient;

import dev.lanterne.explain.Explanation;
import dev.lanterne.explain.Images;
import dev.lanterne.explain.LanternModel;
import dev.lanterne.grad.DeepLiftCompiler;
import dev.lanterne.image.Normalization;
import dev.lanterne.grad.DeepLiftSession;
import dev.lanterne.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * DeepLift with the rescale rule (Shrikumar et al. 2017), as Captum's {@code DeepLift}: the model and
 * its reference pass on the baseline run in one derived graph ({@link DeepLiftCompiler}), whose
 * backward pass uses the rescale rule at element-wise nonlinearities and Captum's max-pool rule; the
 * attribution is (x - x') times the multipliers, and sums to f(x) - f(x') (the gap is reported as
 * Captum's convergence delta). All classes of all images run in one batch. Deliberate difference:
 * the default baseline is a black image (as this library's Integrated Gradients), where Captum's is
 * the zero tensor (the mean colour after normalisation); pass {@code Baseline} to choose.
 */
public final class DeepLift implements dev.lanterne.explain.Attribution {
  /** The method name in titles and explanations.json. */
  public static final String METHOD = "deeplift";

  /**
   * @param baseline the reference input
   * @param blurSigma Gaussian sigma in pixels for the blur baseline
   * @param normalization the model's pixel normalisation (to build the baseline)
   * @param reduce how the colour channels combine in the map
   * @param signed keep the sign in the map
   * @param seed noise baseline seed
   */
  public record Options(Baseline baseline, double blurSigma, Normalization normalization, ChannelReduction reduce,
      boolean signed, long seed) {
    /** Black baseline, channel magnitudes summed, seed 0. */
    public static Options defaults(Normalization normalization) {
      return new Options(Baseline.BLACK, 10.0, normalization, ChannelReduction.SUM, false, 0L);
    }

    /** With another baseline. */
    public Options withBaseline(Baseline b) {
      return new Options(b, blurSigma, normalization, reduce, signed, seed);
    }

    /** With another channel reduction. */
    public Options withReduce(ChannelReduction r) {
      return new Options(baseline, blurSigma, normalization, r, signed, seed);
    }

    /** With or without the sign in the map. */
    public Options withSigned(boolean s) {
      return new Options(baseline, blurSigma, normalization, reduce, s, seed);
    }

    /** With another seed. */
    public Options withSeed(long s) {
      return new Options(baseline, blurSigma, normalization, reduce, signed, s);
    }
  }

  private final LanternModel model;
  private final DeepLiftSession session;
  private final Scoring scoring;
  private final Options options;

  /** DeepLift from a black baseline. */
  public DeepLift(LanternModel model) {
    this(model, Options.defaults(model.normalization()));
  }

  /** DeepLift with options; the DeepLift graph is compiled on first use and owned by the model. */
  public DeepLift(LanternModel model, Options options) {
    this.model = model;
    this.session = model.derivedSession("deeplift",
        () -> new DeepLiftSession(DeepLiftCompiler.compile(model.proto()), model.runtime()));
    this.scoring = Scoring.of(model.card(), model.labels());
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

  @Override
  public List<Explanation> attribute(Images images, int[][] classes) {
    int[] chw = session.inputShape();
    int per = chw[0] * chw[1] * chw[2];
    int n = images.size();
    float[] x0 = images.tensor();
    Inputs.check(x0, n, per);
    Targets targets = Targets.of(n, classes, session.numClasses());
    SplittableRandom random = new SplittableRandom(options.seed());
    float[][] baselines = new float[n][];
    for (int i = 0; i < n; i++) {
      baselines[i] = options.baseline().of(Arrays.copyOfRange(x0, i * per, (i + 1) * per), chw,
          options.normalization(), options.blurSigma(), random.split());
    }
    float[] x = targets.repeatImages(x0, per);
    float[] b = new float[x.length];
    for (int t = 0; t < targets.size(); t++) {
      System.arraycopy(baselines[targets.image(t)], 0, b, t * per, per);
    }
    DeepLiftSession.Result r = session.run(x, b, targets.size(), targets.seed());
    int k = session.numClasses();
    List<Explanation> out = new ArrayList<>(targets.size());
    for (int t = 0; t < targets.size(); t++) {
      float[] attribution = new float[per];
      double total = 0;
      for (int p = 0; p < per; p++) {
        int j = t * per + p;
        attribution[p] = (x[j] - b[j]) * r.multipliers()[j];
        total += attribution[p];
      }
      int cls = targets.classIndex(t);
      double difference = (double) r.scores()[t * k + cls] - r.referenceScores()[t * k + cls];
      Map<String, Object> details = new LinkedHashMap<>();
      details.put("baseline", options.baseline().name().toLowerCase(Locale.ROOT));
      details.put("attributionSum", total);
      details.put("scoreDifference", difference);
      details.put("completenessGap", total - difference);
      float[] map = options.reduce().reduce(attribution, 0, chw[0], chw[1] * chw[2], options.signed());
      out.add(scoring.explanation(targets.image(t), METHOD, cls, r.scores(), t, k,
          new Tensor(map, new int[] {chw[1], chw[2]}), new Tensor(attribution, chw.clone()), details));
    }
    return out;
  }
}
