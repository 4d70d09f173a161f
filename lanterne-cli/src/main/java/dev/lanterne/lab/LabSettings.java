package dev.lanterne.lab;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The sizes of every experiment: the full run (the published results) and the quick run (CI:
 * the same figures and tables from far fewer steps, masks and samples).
 *
 * @param quick whether this is the reduced run
 * @param seed the root seed; every random choice of the lab derives from it
 * @param inversionSteps gradient-ascent steps from noise
 * @param dreamSteps deep-dream steps per octave
 * @param dreamOctaves deep-dream octaves
 * @param smoothGradSamples SmoothGrad's noisy copies
 * @param smoothGradSampleSweep the other sample counts the SmoothGrad sweep tries (at noise 0.15)
 * @param smoothGradNoiseSweep the noise levels the SmoothGrad sweep tries (at smoothGradSamples)
 * @param igSteps Integrated Gradients' path steps
 * @param riseMasks RISE's mask counts for the convergence sweep
 * @param riseSweepMasks RISE's masks for the grid, mask-family and fill sweeps
 * @param riseSummaryMasks RISE's masks in the summary table
 * @param riseStableMax the most masks the until-stable run may use
 * @param riseSeeds how many mask seeds each RISE setting runs with, on every photo
 * @param occlusionWindow occlusion's square side in pixels (stride is half of it)
 * @param sanityLevels how many layers (from the output) are randomised at each sanity-check point;
 *     0 stands for all of them
 * @param sanityPerturbation whether RISE and occlusion also run the sanity check (at the last level
 *     only: every randomised model costs them a full run of masks or windows)
 * @param pixelsPerStep deletion/insertion pixels per step (224 as the RISE authors; the quick run
 *     takes far bigger steps)
 * @param sweepPixelsPerStep the same for the sweeps (RISE's settings, SmoothGrad's): 896 in the full run,
 *     so that 13 RISE settings x 20 runs are scored in minutes, not an hour; the summary keeps 224
 */
record LabSettings(boolean quick, long seed, int inversionSteps, int dreamSteps, int dreamOctaves,
    int smoothGradSamples, List<Integer> smoothGradSampleSweep, List<Double> smoothGradNoiseSweep, int igSteps, List<Integer> riseMasks, int riseSweepMasks, int riseSummaryMasks,
    int riseStableMax, int riseSeeds, int occlusionWindow, List<Integer> sanityLevels, boolean sanityPerturbation, int pixelsPerStep,
    int sweepPixelsPerStep) {

  static LabSettings full(long seed) {
    // sized for about 20-30 minutes on a 2-core machine: the main model's inversions take 120 steps (its
    // images and probabilities settle by then), the RISE sweeps 500 masks per setting (the count sweep shows
    // what more masks change)
    return new LabSettings(false, seed, 120, 10, 4, 50, List.of(5, 15), List.of(0.05, 0.15, 0.3, 0.5), 50,
        List.of(100, 500, 2000), 500, 2000, 4000, 5, 16, List.of(1, 3, 10, 0), true, 224, 224 * 4);
  }

  /** The reduced run: one sanity level (all layers), and RISE and occlusion skip the sanity check. */
  static LabSettings quick(long seed) {
    return new LabSettings(true, seed, 6, 2, 2, 4, List.of(2), List.of(0.3), 4, List.of(20, 40), 40, 40, 200, 2, 56,
        List.of(0), false, 224 * 16, 224 * 16);
  }

  /**
   * Steps of each feature-visualisation run: 128, a quarter of Lucid's 512 (about 2 minutes for both
   * parameterisations on a 2-core machine instead of 8; both reach p &gt; 0.99 on the main model by then), or 3
   * in the quick run.
   */
  int featureVisualizationSteps() {
    return quick ? 3 : 128;
  }

  Map<String, Object> asMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("quick", quick);
    m.put("seed", seed);
    m.put("deletionInsertionPixelsPerStep", pixelsPerStep);
    m.put("sweepDeletionInsertionPixelsPerStep", sweepPixelsPerStep);
    return m;
  }
}
