package dev.lanterne.explain.gradient;

import dev.lanterne.explain.Explanation;
import dev.lanterne.grad.Variant;
import dev.lanterne.runtime.GradientModel;
import dev.lanterne.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Vanilla gradient saliency (Simonyan, Vedaldi and Zisserman 2014): the gradient of the pre-softmax
 * class score with respect to the input, reduced over the colour channels. All classes of all images
 * go to the gradient model in one batch. With a backward variant the same call gives guided
 * backpropagation (Springenberg et al. 2015), deconvnet (Zeiler and Fergus 2014) or LRP (epsilon or
 * z+, Bach et al. 2015; relevance is always input x the modified gradient), as Captum's
 * {@code GuidedBackprop}, {@code Deconvolution} and {@code LRP}.
 */
public final class Saliency implements dev.lanterne.explain.Attribution {
  /**
   * @param reduce how the colour channels are combined
   * @param signed keep the gradient's sign in the map instead of its magnitude
   * @param timesInput attribute gradient x input instead of the gradient (always on for LRP)
   * @param variant how the backward pass treats activations (standard, guided, deconvnet, LRP)
   */
  public record Options(ChannelReduction reduce, boolean signed, boolean timesInput, Variant variant) {
    /** The plain gradient's magnitude, maximum over the colour channels (Simonyan et al.). */
    public static final Options DEFAULT = new Options(ChannelReduction.MAX, false, false, Variant.STANDARD);

    /** Null means the true gradient; DeepLift is refused (it needs a baseline). */
    public Options {
      if (variant == null) {
        variant = Variant.STANDARD;
      }
      if (variant == Variant.DEEPLIFT) {
        throw new IllegalArgumentException("DeepLift needs a baseline: use the DeepLift method");
      }
    }

    /** The true gradient. */
    public Options(ChannelReduction reduce, boolean signed, boolean timesInput) {
      this(reduce, signed, timesInput, Variant.STANDARD);
    }

    /** The same options with another channel reduction. */
    public Options withReduce(ChannelReduction r) {
      return new Options(r, signed, timesInput, variant);
    }

    /** The same options, keeping the gradient's sign in the map or not. */
    public Options withSigned(boolean s) {
      return new Options(reduce, s, timesInput, variant);
    }

    /** The same options, multiplying the gradient by the input or not. */
    public Options withTimesInput(boolean t) {
      return new Options(reduce, signed, t, variant);
    }

    /** With a backward variant (guided backpropagation, deconvnet, LRP). */
    public Options withVariant(Variant v) {
      return new Options(reduce, signed, timesInput, v);
    }

    /** Whether the map is input x (modified) gradient. */
    public boolean multipliesInput() {
      return timesInput || variant == Variant.LRP_EPSILON || variant == Variant.LRP_ZPLUS;
    }

    /** The method name: saliency, gradient-x-input, guided-backprop, deconvnet, lrp-epsilon or lrp-zplus. */
    public String method() {
      return switch (variant) {
        case GUIDED -> timesInput ? "guided-backprop-x-input" : "guided-backprop";
        case DECONVNET -> timesInput ? "deconvnet-x-input" : "deconvnet";
        case LRP_EPSILON -> "lrp-epsilon";
        case LRP_ZPLUS -> "lrp-zplus";
        default -> timesInput ? "gradient-x-input" : "saliency";
      };
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
    this(model.saliencyGraph(options.variant()), Scoring.of(model.card(), model.labels()), model, options);
  }

  private Saliency(GradientModel model, Scoring scoring, dev.lanterne.explain.LanternModel owner, Options options) {
    this.model = model;
    this.scoring = scoring;
    this.owner = owner;
    this.options = options;
  }

  @Override
  public String name() {
    return options.method();
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
    if (options.multipliesInput()) {
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
      details.put("timesInput", options.multipliesInput());
      if (options.variant() != Variant.STANDARD) {
        details.put("variant", options.variant().name().toLowerCase(java.util.Locale.ROOT));
      }
      Tensor raw = new Tensor(java.util.Arrays.copyOfRange(grad, t * per, (t + 1) * per), chw);
      out.add(scoring.explanation(targets.image(t), options.method(),
          targets.classIndex(t), r.scores(), t, model.numClasses(), new Tensor(map, new int[] {chw[1], chw[2]}),
          raw, details));
    }
    return out;
  }
}
