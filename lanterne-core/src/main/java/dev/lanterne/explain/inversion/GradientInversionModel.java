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

  /**
   * @param gradients the gradient source; closed with this model
   * @param normalize divide each image's gradient by its mean absolute value in the update
   */
  public GradientInversionModel(GradientModel gradients, boolean normalize) {
    this(gradients, normalize, null);
  }

  /** @param owned also closed with this model (e.g. the classifier a finite-difference estimator reads), or null */
  public GradientInversionModel(GradientModel gradients, boolean normalize, AutoCloseable owned) {
    this.gradients = gradients;
    this.normalize = normalize;
    this.owned = owned;
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
  public void close() {
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
