package dev.lanterne.explain.inversion;

import dev.lanterne.model.ModelCard;
import dev.lanterne.runtime.InversionModel;
import java.util.SplittableRandom;

/**
 * Class-model inversion (Simonyan et al. 2014; Yosinski et al. 2015): optimise an image so that the
 * network's pre-softmax score for a class grows. Several classes are optimised together as one
 * batch, one inversion-step call per step.
 */
public final class ClassModelInversion {
  private ClassModelInversion() {}

  /**
   * @param model the inversion-step graph (compiled with normalisation = options.normalizeGradient(),
   *     which only matters for plain SGD, whose update the graph does)
   * @param card the model's preprocessing: gives the valid pixel range and the start image's values
   * @param classes one target class per optimised image
   * @param startImage the start image [C,H,W] (normalised) for {@link InversionOptions.Start#IMAGE}, else null
   */
  public static AscentTrace run(InversionModel model, ModelCard card, int[] classes, float[] startImage,
      InversionOptions options, StepListener listener) {
    return run(model, card, classes, startImage, options, null, listener);
  }

  /**
   * As above, optimising a parameterisation's variables instead of the pixels when one is given
   * (then the start image is ignored).
   *
   * @param parameterization Lucid's Fourier/decorrelated image, or null for pixels
   */
  public static AscentTrace run(InversionModel model, ModelCard card, int[] classes, float[] startImage,
      InversionOptions options, FourierParameterization parameterization, StepListener listener) {
    return run(model, card, classes, model.numClasses(), startImage, options, parameterization, listener);
  }

  /**
   * As above, for a model with appended objective columns ({@link LayerObjective}): each image climbs
   * its target column; the first probabilityClasses columns are the class scores.
   */
  public static AscentTrace run(InversionModel model, ModelCard card, int[] classes, int probabilityClasses,
      float[] startImage, InversionOptions options, FourierParameterization parameterization,
      StepListener listener) {
    if (classes.length == 0) {
      throw new IllegalArgumentException("no target class");
    }
    SplittableRandom root = new SplittableRandom(options.seed());
    SplittableRandom noise = root.split();
    SplittableRandom jitter = root.split();
    PixelRange range = PixelRange.of(card);
    float[] x0 = start(options, model.inputShape(), classes.length, range, startImage, noise);
    AscentObjective objective = new ModelObjective(model, classes, probabilityClasses, card.outputsProbabilities())
        .climbingLogProbability(options.logProbability());
    return new GradientAscent(objective, options, range, parameterization).run(x0, classes.length, jitter,
        listener);
  }

  /** The n start images [n,C,H,W], normalised. Noise is drawn in pixel units around mid-gray and clipped to [0,1]. */
  static float[] start(InversionOptions o, int[] chw, int n, PixelRange range, float[] image, SplittableRandom rng) {
    int per = chw[0] * chw[1] * chw[2];
    int plane = chw[1] * chw[2];
    float[] x = new float[n * per];
    if (o.start() == InversionOptions.Start.IMAGE) {
      if (image == null || image.length != per) {
        throw new IllegalArgumentException("start IMAGE needs a [C,H,W] image of " + per + " values");
      }
      for (int i = 0; i < n; i++) {
        System.arraycopy(image, 0, x, i * per, per);
      }
      return x;
    }
    double a = o.noiseAmplitude();
    for (int j = 0; j < x.length; j++) {
      double p = switch (o.start()) {
        case UNIFORM_NOISE -> 0.5 + a * (2 * rng.nextDouble() - 1);
        case GAUSSIAN_NOISE -> 0.5 + a * rng.nextGaussian();
        default -> 0.5;
      };
      int c = (j % per) / plane;
      x[j] = range.normalise(c, (float) Math.max(0, Math.min(1, p)));
    }
    return x;
  }
}
