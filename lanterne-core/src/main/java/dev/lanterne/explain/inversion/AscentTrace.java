package dev.lanterne.explain.inversion;

import java.util.List;

/**
 * What a gradient-ascent run produced.
 *
 * @param images the final images [n,C,H,W], normalised
 * @param n how many images
 * @param shape {C,H,W} of one image
 * @param objective objective[i][t]: image i's objective after t steps (t = 0..steps)
 * @param probability probability[i][t] of image i's target class (NaN for layer objectives)
 * @param finalScores the scores of the final images [n,K]
 * @param snapshots copies of the images every snapshotEvery steps (step 0 and the last step included)
 */
public record AscentTrace(float[] images, int n, int[] shape, float[][] objective, float[][] probability,
    float[] finalScores, List<Snapshot> snapshots) {

  /**
   * The images after a given step.
   *
   * @param step steps taken
   * @param images copies of the images [n,C,H,W], normalised
   */
  public record Snapshot(int step, float[] images) {}

  /** Values per image, C*H*W. */
  public int perImage() {
    return shape[0] * shape[1] * shape[2];
  }

  /** Image i of the final batch [C,H,W]. */
  public float[] image(int i) {
    return java.util.Arrays.copyOfRange(images, i * perImage(), (i + 1) * perImage());
  }

  /** Image i's objective after the last step. */
  public float finalObjective(int i) {
    return objective[i][objective[i].length - 1];
  }

  /** Image i's target-class probability after the last step (NaN for layer objectives). */
  public float finalProbability(int i) {
    return probability[i][probability[i].length - 1];
  }
}
