package dev.lanterne.explain.perturbation;

import java.util.SplittableRandom;

/**
 * Stripes: s bands, each kept with probability p, smoothed and shifted along one axis exactly
 * as the paper's grids are in two (vertical stripes are columns, horizontal stripes are rows).
 */
public final class StripeMasks extends UpsampledMasks {
  private final boolean vertical;
  private final int stripes;
  private final double p;

  /**
   * Masks of height x width pixels from s stripes.
   *
   * @param p keep probability, in (0, 1]
   * @param vertical columns (true) or rows (false)
   * @throws IllegalArgumentException when p is outside (0, 1]
   */
  public StripeMasks(int height, int width, int stripes, double p, boolean vertical) {
    super(height, width, vertical ? 1 : stripes, vertical ? stripes : 1);
    BinaryGridMasks.checkProbability(p);
    this.vertical = vertical;
    this.stripes = stripes;
    this.p = p;
  }

  @Override
  public int fillLines(long index, SplittableRandom rng, float[][] lines) {
    float[] bands = new float[stripes];
    for (int i = 0; i < stripes; i++) {
      bands[i] = rng.nextDouble() < p ? 1f : 0f;
    }
    int shift = rng.nextInt(vertical ? upsampler.cellWidth() : upsampler.cellHeight());
    // a one-cell axis mirrors onto that cell, so the other axis is constant exactly
    upsampler.lines(bands, vertical ? shift : 0, lines);
    return vertical ? 0 : shift;
  }

  @Override
  public double meanValue() {
    return p;
  }
}
