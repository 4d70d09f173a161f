package dev.lanterne.explain.inversion;

import dev.lanterne.LanterneException;
import dev.lanterne.explain.Images;
import dev.lanterne.explain.LanternModel;
import dev.lanterne.image.Normalization;

/**
 * Class-model inversion (Simonyan et al. 2014; Yosinski et al. 2015) of one model: optimise images
 * so that the network's score for each target class (or a layer unit) grows. Created on a
 * {@link LanternModel} with immutable options, like the attribution methods, and called once per
 * run:
 *
 * <pre>{@code
 * try (LanternModel model = LanternModel.open(Path.of("mobilenetv2.onnx"))) {
 *   ClassInversion inversion = new ClassInversion(model, ClassInversion.Options.builder().steps(100).build());
 *   AscentTrace trace = inversion.invert(InversionTarget.classes(130, 288), StepListener.NONE);
 * }
 * }</pre>
 *
 * <p>The gradient comes from the model's compiled inversion-step graph, or from finite differences
 * when the model was opened {@link LanternModel#withFiniteDifferences with them}. Thread-safety: no
 * per-call state is kept; concurrent calls are safe when the model is.
 */
public final class ClassInversion extends AscentMethod {
  /** What is optimised: the pixels, or Lucid's Fourier spectrum (optionally colour-decorrelated). */
  public enum Parameterization {
    PIXELS,
    FOURIER,
    FOURIER_DECORRELATED
  }

  /**
   * @param ascent the optimisation (start, optimiser, regularisers, seed)
   * @param parameterization what the optimiser changes
   */
  public record Options(InversionOptions ascent, Parameterization parameterization) {
    /** Checks that both parts are given. */
    public Options {
      if (ascent == null || parameterization == null) {
        throw new IllegalArgumentException("ascent and parameterization are required");
      }
    }

    /** {@link InversionOptions#defaults()} on the pixels. */
    public static Options defaults() {
      return new Options(InversionOptions.defaults(), Parameterization.PIXELS);
    }

    /** Lucid's feature visualisation: {@link InversionOptions#lucid()} on the Fourier spectrum. */
    public static Options lucid(boolean decorrelate) {
      return new Options(InversionOptions.lucid(),
          decorrelate ? Parameterization.FOURIER_DECORRELATED : Parameterization.FOURIER);
    }

    /** A builder starting from {@link #defaults()}. */
    public static Builder builder() {
      return defaults().toBuilder();
    }

    /** A builder starting from these options. */
    public Builder toBuilder() {
      return new Builder(ascent.toBuilder(), parameterization);
    }
  }

  /** Builds {@link Options}: the ascent options, then the parameterisation. */
  public static final class Builder {
    private final InversionOptions.Builder ascent;
    private Parameterization parameterization;

    private Builder(InversionOptions.Builder ascent, Parameterization parameterization) {
      this.ascent = ascent;
      this.parameterization = parameterization;
    }

    /** The ascent options, to set further ones. */
    public InversionOptions.Builder ascent() {
      return ascent;
    }

    /** Optimisation steps. */
    public Builder steps(int t) {
      ascent.steps(t);
      return this;
    }

    /** The seed of the start noise and the jitter. */
    public Builder seed(long s) {
      ascent.seed(s);
      return this;
    }

    /** What the optimiser changes: pixels or the Fourier spectrum. */
    public Builder parameterization(Parameterization p) {
      parameterization = p;
      return this;
    }

    /** The options as set. */
    public Options build() {
      return new Options(ascent.build(), parameterization);
    }
  }

  private final Options options;

  /** With {@link Options#defaults()}. */
  public ClassInversion(LanternModel model) {
    this(model, Options.defaults());
  }

  /** On the given model (which owns the compiled step graph) with the given options. */
  public ClassInversion(LanternModel model, Options options) {
    super(model);
    this.options = options;
  }

  /** "invert": the name in file names and the run record. */
  @Override
  public String name() {
    return "invert";
  }

  /** The options it runs with. */
  public Options options() {
    return options;
  }

  @Override
  InversionOptions ascent() {
    return options.ascent();
  }

  /**
   * Lucid's diversity term: the images of one run are pushed apart at a layer.
   *
   * @param weight how strongly (0 turns it off; Lucid uses values around 1e2 to 1e3 on Gram matrices)
   * @param layer the tensor whose activations (or their Gram matrices) are compared
   * @param kind compare Gram matrices (Lucid) or the activations themselves
   */
  public record DiversityTerm(double weight, String layer, Diversity.Kind kind) {
    /** Checks the weight and that a layer is named. */
    public DiversityTerm {
      if (!(weight >= 0) || layer == null || kind == null) {
        throw LanterneException.usage("diversity", "the diversity term needs a weight >= 0, a layer and a kind");
      }
    }
  }

  /**
   * What a run with a diversity term produced.
   *
   * @param trace the images and their scores at every step
   * @param finalDiversity the diversity term's value at the last step (its mean pairwise cosine similarity)
   */
  public record DiverseTrace(AscentTrace trace, double finalDiversity) {}

  /**
   * Optimises one image per class target together with Lucid's diversity term (the same class may be
   * named several times, so that several different images of it are made).
   *
   * @param start the start image for {@link InversionOptions.Start#IMAGE}, else null
   * @param diversity the term and its layer
   * @param listener told after every step
   */
  public DiverseTrace invert(InversionTarget target, Images start, DiversityTerm diversity, StepListener listener) {
    InversionOptions o = options.ascent();
    if (target.layer() != null) {
      throw LanterneException.usage("diversity", "the diversity term works with class targets, not a layer unit");
    }
    if (target.count() < 2) {
      throw LanterneException.usage("diversity", "the diversity term compares the images of one run: optimise two or"
          + " more images (name a class several times)");
    }
    float[] startImage = startImage(o, start);
    LanternModel model = model();
    int k = model.numClasses();
    int[] columns = target.columns(k);
    try (DiversityObjective objective = DiversityObjective.open(model.proto().toByteArray(), diversity.layer(),
        model.inputShape(), columns, k, model.card().outputsProbabilities(), o.logProbability(), diversity.weight(),
        diversity.kind(), o.normalizeGradient(), model.runtime())) {
      AscentTrace trace = ClassModelInversion.run(objective, model.card(), columns.length, startImage, o,
          fourier(model), listener == null ? StepListener.NONE : listener);
      return new DiverseTrace(trace, objective.lastDiversity());
    }
  }

  /** The start image's tensor, or null; an inversion that starts from an image needs one. */
  private static float[] startImage(InversionOptions o, Images start) {
    if (o.start() == InversionOptions.Start.IMAGE && start == null) {
      throw LanterneException.usage("an inversion that starts from an image needs the image");
    }
    return start == null ? null : start.tensor(0);
  }

  private FourierParameterization fourier(LanternModel model) {
    return options.parameterization() == Parameterization.PIXELS ? null
        : new FourierParameterization(model.inputShape(),
            options.parameterization() == Parameterization.FOURIER_DECORRELATED,
            Normalization.of(model.card()), 1.0);
  }

  /** Optimises one image per target from the options' start (noise or gray). */
  public AscentTrace invert(InversionTarget target, StepListener listener) {
    return invert(target, null, listener);
  }

  /**
   * Optimises one image per target.
   *
   * @param start the start image (its first image) for {@link InversionOptions.Start#IMAGE}, else null
   * @param listener told after every step
   */
  public AscentTrace invert(InversionTarget target, Images start, StepListener listener) {
    InversionOptions o = options.ascent();
    float[] startImage = startImage(o, start);
    LanternModel model = model();
    int k = model.numClasses();
    int[] columns = target.columns(k);
    return ClassModelInversion.run(step(target), model.card(), columns, k, startImage, o, fourier(model),
        listener == null ? StepListener.NONE : listener);
  }
}
