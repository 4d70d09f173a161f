package dev.lanterne.explain.perturbation;

/** Told after every batch how many perturbed images have been scored, for a progress bar. */
@FunctionalInterface
public interface ProgressListener {
  ProgressListener NONE = (done, total) -> {};

  /**
   * @param done perturbed images scored so far
   * @param total the most that will be scored (a run that stops early ends below it)
   */
  void progress(long done, long total);
}
