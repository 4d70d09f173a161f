package dev.lanterne.explain.inversion;

import dev.lanterne.LanterneException;
import dev.lanterne.explain.LanternModel;
import dev.lanterne.runtime.InversionModel;

/**
 * What {@link ClassInversion} and {@link DeepDream} share: the model they run on and its inversion
 * step for a target (the compiled graph, with a layer column when a layer is climbed, or finite
 * differences), found through the model's sessions.
 */
abstract sealed class AscentMethod permits ClassInversion, DeepDream {
  private final LanternModel model;

  AscentMethod(LanternModel model) {
    this.model = model;
  }

  /** The method name in file names and the run record ("invert", "dream"). */
  public abstract String name();

  /** The optimisation the method runs. */
  abstract InversionOptions ascent();

  /** The model this method runs on. */
  public LanternModel model() {
    return model;
  }

  /**
   * Compiles (or finds in the cache) the inversion step for this target now, so that a model the
   * compiler cannot differentiate fails before the run.
   *
   * @throws LanterneException when the gradient graph cannot be derived, or the layer is unknown
   */
  public void prepare(InversionTarget target) {
    step(target);
  }

  /** The model's inversion step for the target; owned by the model. */
  InversionModel step(InversionTarget target) {
    return StepModels.of(model, ascent().normalizeGradient(), target);
  }
}
