package dev.lanterne.explain.gradient;

import dev.lanterne.explain.Explanation;
import dev.lanterne.runtime.GradientModel;
import dev.lanterne.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Vanilla gradient saliency (Simonyan, Vedaldi and Zisserman 2014): the gradient of the pre-softmax
 * class score with respect to the input, reduced over the colour channels. All classes of all images
 * go to the gradient model in one batch.
 */
public final class Saliency implements dev.lanterne.explain.Attribution {
  /**
   * @param reduce how the colour channels are combined
   * @param signed keep the gradient's sign in the map instead of its magnitude
   * @param timesInput attribute gradient x input instead of the gradient
   */
  public record Options(ChannelReduction reduce, boolean signed, boolean timesInput) {
    public static final Options DEFAULT = new Options(ChannelReduction.MAX, false, false);

    public Options withReduce(ChannelReduction r) {
      return new Options(r, signed, timesInput);
    }

    public Options withSigned(boolean s) {
      return new Options(reduce, s, timesInput);
    }

    public Options withTimesInput(boolean t) {
      return new Options(reduce, signed, t);
    }
  }

  private final GradientModel model;
  private final Scoring scoring;
  private final dev.lanterne.explain.LanternModel owner;
  private final Options options;

  /** On a bare gradient session (no model object: {@link #attribute} needs explicit classes). */
  public Saliency(GradientModel model, Scoring scoring) {
    this(model, scoring, null, Options.DEFAULT);
  }

  /** Vanilla saliency with the default options on a model. */
  public Saliency(dev.lanterne.explain.LanternModel model) {
    this(model, Options.DEFAULT);
  }

  /** Saliency with the given options on a model (its saliency graph is compiled on first use). */
  public Saliency(dev.lanterne.explain.LanternModel model, Options options) {
    this(model.saliencyGraph(dev.lanterne.grad.Variant.STANDARD), Scoring.of(model.card(), model.labels()), model,
        options);
  }

  private Saliency(GradientModel model, Scoring scoring, dev.lanterne.explain.LanternModel owner, Options options) {
    this.model = model;
    this.scoring = scoring;
    this.owner = owner;
    this.options = options;
  }

  @Override
  public String name() {
    return options.timesInput() ? "gradient-x-input" : "saliency";
  }

  @Override
  public dev.lanterne.explain.LanternModel model() {
    return owner;
  }

  @Override
  public List<Explanation> attribute(dev.lanterne.explain.Images images, int[][] classes) {
    return explain(images.tensor(), images.size(), classes, options);
  }

  /**
   * @param images normalised inputs [n,C,H,W]
   * @param classes the classes to explain for each image
   * @return one explanation per (image, class), image-major; raw is the signed gradient (or
   *     gradient x input) [C,H,W]
   */
  public List<Explanation> explain(float[] images, int n, int[][] classes, Options options) {
    int[] chw = model.inputShape();
    int plane = chw[1] * chw[2];
    int per = chw[0] * plane;
    Inputs.check(images, n, per);
    Targets targets = Targets.of(n, classes, model.numClasses());
    float[] x = targets.repeatImages(images, per);
    GradientModel.Result r = model.gradient(x, targets.size(), targets.seed());
    float[] grad = r.inputGradient();
    if (options.timesInput()) {
      for (int i = 0; i < grad.length; i++) {
        grad[i] *= x[i];
      }
    }
    List<Explanation> out = new ArrayList<>(targets.size());
    for (int t = 0; t < targets.size(); t++) {
      float[] map = options.reduce().reduce(grad, t * per, chw[0], plane, options.signed());
      Map<String, Object> details = new LinkedHashMap<>();
      details.put("reduce", options.reduce().name().toLowerCase(java.util.Locale.ROOT));
      details.put("signed", options.signed());
      details.put("timesInput", options.timesInput());
      Tensor raw = new Tensor(java.util.Arrays.copyOfRange(grad, t * per, (t + 1) * per), chw);
      out.add(scoring.explanation(targets.image(t), options.timesInput() ? "gradient-x-input" : "saliency",
          targets.classIndex(t), r.scores(), t, model.numClasses(), new Tensor(map, new int[] {chw[1], chw[2]}),
          raw, details));
    }
    return out;
  }
}
