/**
 * The global family: optimise an image so that the network's score for a class (or a layer's
 * activation energy) grows, one inversion-step graph call per step for all target images.
 *
 * <ul>
 *   <li>{@link dev.lanterne.explain.inversion.ClassModelInversion}: from seeded uniform or Gaussian noise
 *       (pixel units around mid-gray), gray, or an image; one image per target class, optimised as a batch.
 *   <li>{@link dev.lanterne.explain.inversion.DeepDream}: from a photo, over octaves; objective a class
 *       score, or 0.5 ||A||^2 of a layer via {@link dev.lanterne.explain.inversion.LayerObjective}.
 *   <li>{@link dev.lanterne.explain.inversion.GradientAscent}: the loop. Optimisers: plain gradient ascent
 *       (the graph's own update x + lr g - lr l2 x), SGD with momentum and Adam (in Java on the returned
 *       gradient). Regularisers, each switchable: Gaussian blur every k steps (in normalised space, which
 *       equals pixel space because the blur is linear with unit sum), L2 decay, integer jitter undone
 *       exactly, small scaling/rotation (the gradient is warped back with the inverse map), clipping to
 *       ((0 - mean) / std, (1 - mean) / std) per channel.
 *   <li>Metrics for comparing runs: {@link dev.lanterne.explain.inversion.HighFrequencyEnergy} (fraction of
 *       the luminance spectrum above 0.25 cycles per pixel) and
 *       {@link dev.lanterne.explain.inversion.TransferCheck} (top-1 of another model on the saved image).
 * </ul>
 */
package dev.lanterne.explain.inversion;
