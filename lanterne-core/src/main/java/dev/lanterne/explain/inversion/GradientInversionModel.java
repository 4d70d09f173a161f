package dev.lanterne.explain.inversion;

import dev.lanterne.runtime.GradientModel;
import dev.lanterne.runtime.InversionModel;

/**
 * An inversion step built on any {@link GradientModel} (the compiled saliency graph, or the
 * finite-difference estimator for models the compiler cannot differentiate): one gradient call,
 * then x + lr * g - lr * l2 * x in Java, with g optionally divided by each image's mean |g|.
 */
public final class GradientInversionModel implements InversionModel {
  private final GradientModel gradients;
  private final boolean normalize;
  private final AutoCloseable owned;
  private final boolean borrowed;

  /**
   * @param gradients the gradient source; closed with this model
   * @param normalize divide each image's gradient by its mean absolute value in the update
   */
  public GradientInversionModel(GradientModel gradients, boolean normalize) {
    this(gradients, normalize, null);
  }

  /** @param owned also closed with this model (e.g. the classifier a finite-difference estimator reads), or null */
  public GradientInversionModel(GradientModel gradients, boolean normalize, AutoCloseable owned) {
    this(gradients, normalize, owned, false);
  }

  private GradientInversionModel(GradientModel gradients, boolean normalize, AutoCloseable owned, boolean borrowed) {
    this.gradients = gradients;
    this.normalize = normalize;
    this.owned = owned;
    this.borrowed = borrowed;
  }

  /** On a gradient source that someone else owns (e.g. a model's session): closing this leaves it open. */
  public static GradientInversionModel borrowing(GradientModel gradients, boolean normalize) {
    return new GradientInversionModel(gradients, normalize, null, true);
  }

  @Override
  public int[] inputShape() {
    return gradients.inputShape();
  }

  @Override
  public int numClasses() {
    return gradients.numClasses();
  }

  @Override
  public Result step(float[] x, int n, float[] seed, float lr, float l2) {
    GradientModel.Result r = gradients.gradient(x, n, seed);
    float[] g = r.inputGradient();
    float[] direction = g;
    if (normalize) {
      direction = g.clone();
      UpdateRule.normalizePerImage(direction, n);
    }
    float[] next = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      next[i] = x[i] + lr * direction[i] - lr * l2 * x[i];
    }
    return new Result(next, g, r.scores());
  }

  @Override
  public Result gradient(float[] x, int n, float[] seed) {
    GradientModel.Result r = gradients.gradient(x, n, seed);
    return new Result(null, r.inputGradient(), r.scores());
  }

  @Override
  public void close() {
    if (borrowed) {
      return;
    }
    gradients.close();
    if (owned != null) {
      try {
        owned.close();
      } catch (Exception e) {
        throw new IllegalStateException("cannot close " + owned, e);
      }
    }
  }
}
