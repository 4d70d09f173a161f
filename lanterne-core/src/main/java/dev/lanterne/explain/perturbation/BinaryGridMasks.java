package dev.lanterne.explain.perturbation;

import java.util.SplittableRandom;

/**
 * The paper's masks: an s x s grid of cells, each kept with probability p, upsampled bilinearly
 * and cropped at a random shift (see {@link GridUpsampler}).
 */
public final class BinaryGridMasks extends UpsampledMasks {
  private final int cells;
  private final double p;

  /**
   * Masks of height x width pixels from a cells x cells grid.
   *
   * @param p keep probability, in (0, 1]
   * @throws IllegalArgumentException when p is outside (0, 1]
   */
  public BinaryGridMasks(int height, int width, int cells, double p) {
    super(height, width, cells, cells);
    checkProbability(p);
    this.cells = cells;
    this.p = p;
  }

  static void checkProbability(double p) {
    if (!(p > 0 && p <= 1)) {
      throw new IllegalArgumentException("keep probability p must be in (0, 1], got " + p);
    }
  }

  @Override
  public int fillLines(long index, SplittableRandom rng, float[][] lines) {
    float[] grid = new float[cells * cells];
    for (int i = 0; i < grid.length; i++) {
      grid[i] = rng.nextDouble() < p ? 1f : 0f;
    }
    int shiftY = rng.nextInt(upsampler.cellHeight());
    int shiftX = rng.nextInt(upsampler.cellWidth());
    upsampler.lines(grid, shiftX, lines);
    return shiftY;
  }

  /** Bilinear weights sum to one, so every pixel's expected value is p. */
  @Override
  public double meanValue() {
    return p;
  }
}
