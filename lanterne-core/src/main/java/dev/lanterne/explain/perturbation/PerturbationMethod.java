package dev.lanterne.explain.perturbation;

import dev.lanterne.explain.Attribution;
import dev.lanterne.explain.Explanation;
import dev.lanterne.explain.Images;
import dev.lanterne.explain.LanternModel;
import java.util.List;

/**
 * What RISE and occlusion share: their options, the model they may be made on, and the one
 * attribute path ({@link Perturbations#attributeEach}: undo the normalisation, then explain each
 * image on the model as a {@link BlackBox}).
 *
 * @param <O> the method's options record
 */
abstract sealed class PerturbationMethod<O> implements Attribution permits Rise, Occlusion {
  private final O options;
  private final LanternModel owner;

  /** @param model the model {@link #attribute} runs on, or null for a method called with a black box */
  PerturbationMethod(LanternModel model, O options) {
    this.options = options;
    this.owner = model;
  }

  /** The options. */
  public O options() {
    return options;
  }

  @Override
  public LanternModel model() {
    return owner;
  }

  @Override
  public List<Explanation> attribute(Images images, int[][] classes) {
    return Perturbations.attributeEach(owner, name(), images, classes,
        (box, pixels, cls, i) -> explain(box, pixels, cls, i, ProgressListener.NONE));
  }

  /** Explains one image [C,H,W] in [0,1], at the box's input size, for the given classes. */
  public abstract List<Explanation> explain(BlackBox model, float[] pixels, int[] classes, int image,
      ProgressListener progress);
}
