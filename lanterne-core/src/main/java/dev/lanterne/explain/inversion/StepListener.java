package dev.lanterne.explain.inversion;

/** Told after every step, e.g. to move a progress bar. */
@FunctionalInterface
public interface StepListener {
  /**
   * @param step steps done so far (1-based)
   * @param objective each image's objective measured in this step
   * @param probability each image's target probability measured in this step
   */
  void onStep(int step, float[] objective, float[] probability);

  StepListener NONE = (s, o, p) -> {};
}
