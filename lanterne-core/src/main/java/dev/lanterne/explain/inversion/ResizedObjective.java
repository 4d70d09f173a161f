package dev.lanterne.explain.inversion;

/**
 * An objective at another image size: x is resized to the model's input size before each
 * evaluation and the gradient is carried back through the exact transpose of that resize (the chain
 * rule), so ascent runs on the smaller image. Deep-dream octaves use it.
 */
public final class ResizedObjective implements AscentObjective {
  private final AscentObjective inner;
  private final Resize up;
  private final int[] shape;

  /** The inner objective on images of height x width, resized to its own input size for each evaluation. */
  public ResizedObjective(AscentObjective inner, int height, int width) {
    int[] s = inner.shape();
    this.inner = inner;
    this.shape = new int[] {s[0], height, width};
    this.up = new Resize(s[0], height, width, s[1], s[2]);
  }

  @Override
  public int[] shape() {
    return shape.clone();
  }

  @Override
  public Step step(float[] x, int n, float lr, float l2) {
    Step s = inner.step(up.applyBatch(x, n), n, 0f, 0f);
    return new Step(null, up.transposeBatch(s.gradient(), n), s.scores());
  }

  @Override
  public float objective(float[] scores, int i) {
    return inner.objective(scores, i);
  }

  @Override
  public float probability(float[] scores, int i) {
    return inner.probability(scores, i);
  }
}
