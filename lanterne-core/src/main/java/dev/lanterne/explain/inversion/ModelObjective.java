package dev.lanterne.explain.inversion;

import dev.lanterne.runtime.InversionModel;
import dev.lanterne.tensor.Softmax;

/**
 * One output column per image, through an {@link InversionModel}: image i climbs scores[i, target[i]]
 * (the pre-softmax score), or optionally its log-probability. One step call serves all n images.
 *
 * <p>The log-probability log p_c = y_c - logsumexp(y) has gradient sum_k (delta_kc - p_k) dy_k/dx: the
 * same graph with the seed row onehot(c) - p. The graph takes the seed before it computes p, so p
 * comes from the previous step (the first step climbs the plain score); steps are small, so the lag
 * is harmless. It matters for quantized models, whose logits saturate at the top of their
 * quantization range: there the straight-through gradient keeps pushing a saturated target score
 * and drags other classes up to the same ceiling, while the log-probability pushes them down.
 */
public final class ModelObjective implements AscentObjective {
  private final InversionModel model;
  private final int[] targets;
  private final int probabilityClasses;
  private final boolean outputsProbabilities;
  private final float[] seed;
  private boolean logProbability;

  /**
   * @param targets the output column each image climbs
   * @param probabilityClasses how many leading columns are class scores (softmax is over these); a
   *     target at or beyond it (an appended layer objective) has no probability
   * @param outputsProbabilities the model already outputs probabilities (no softmax)
   */
  public ModelObjective(InversionModel model, int[] targets, int probabilityClasses, boolean outputsProbabilities) {
    int k = model.numClasses();
    if (probabilityClasses < 1 || probabilityClasses > k) {
      throw new IllegalArgumentException("probabilityClasses must be in [1, " + k + "]");
    }
    this.model = model;
    this.targets = targets.clone();
    this.probabilityClasses = probabilityClasses;
    this.outputsProbabilities = outputsProbabilities;
    this.seed = new float[targets.length * k];
    for (int i = 0; i < targets.length; i++) {
      if (targets[i] < 0 || targets[i] >= k) {
        throw new IllegalArgumentException("target " + targets[i] + " is outside the model's " + k + " outputs");
      }
      seed[i * k + targets[i]] = 1f;
    }
  }

  /** Climb log p_c instead of the score y_c (not for layer objectives or probability outputs). */
  public ModelObjective climbingLogProbability(boolean on) {
    if (on && outputsProbabilities) {
      throw new IllegalArgumentException("the log-probability objective needs a model that outputs logits");
    }
    this.logProbability = on;
    return this;
  }

  /** Class-score objective on all the model's outputs. */
  public ModelObjective(InversionModel model, int[] classes, boolean outputsProbabilities) {
    this(model, classes, model.numClasses(), outputsProbabilities);
  }

  @Override
  public int[] shape() {
    return model.inputShape();
  }

  @Override
  public Step step(float[] x, int n, float lr, float l2) {
    return step(x, n, lr, l2, null);
  }

  /** As {@link #step}, with extra [n,K] added to this call's seed (another term's output gradient), or null. */
  Step step(float[] x, int n, float lr, float l2, float[] extra) {
    if (n != targets.length) {
      throw new IllegalArgumentException("this objective has " + targets.length + " images, got " + n);
    }
    float[] s = seed;
    if (extra != null) {
      s = seed.clone();
      for (int j = 0; j < s.length; j++) {
        s[j] += extra[j];
      }
    }
    // the ascent loop reads the graph's updated image, or (lr = l2 = 0) the gradient, never both
    InversionModel.Result r = lr == 0f && l2 == 0f ? model.gradient(x, n, s) : model.update(x, n, s, lr, l2);
    if (logProbability) {
      reseed(r.scores());
    }
    return new Step(r.next(), r.gradient(), r.scores());
  }

  /** Seed rows onehot(c) - softmax(scores) for the next step, for images whose target is a class. */
  private void reseed(float[] scores) {
    int k = model.numClasses();
    for (int i = 0; i < targets.length; i++) {
      if (targets[i] >= probabilityClasses) {
        continue;
      }
      int base = i * k;
      float[] p = Softmax.of(scores, base, probabilityClasses);
      for (int c = 0; c < probabilityClasses; c++) {
        seed[base + c] = (c == targets[i] ? 1 : 0) - p[c];
      }
    }
  }

  @Override
  public float objective(float[] scores, int i) {
    return scores[i * model.numClasses() + targets[i]];
  }

  @Override
  public float probability(float[] scores, int i) {
    if (targets[i] >= probabilityClasses) {
      return Float.NaN;
    }
    int base = i * model.numClasses();
    if (outputsProbabilities) {
      return scores[base + targets[i]];
    }
    return Softmax.at(scores, base, probabilityClasses, targets[i]);
  }
}
