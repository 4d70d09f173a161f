package dev.lanterne.explain.perturbation;

import java.util.SplittableRandom;

/**
 * Checkerboards of cell = ceil(size/s) pixels at a random offset in [0, 2 cell) on each axis:
 * every pixel is kept in exactly half of the offsets, so E[M] = 1/2 (no keep probability).
 */
public final class CheckerboardMasks implements MaskGenerator {
  private final int height;
  private final int width;
  private final int cellHeight;
  private final int cellWidth;

  public CheckerboardMasks(int height, int width, int cells) {
    if (cells < 1 || cells > Math.min(height, width)) {
      throw new IllegalArgumentException("checkerboard of " + cells + " cells does not fit " + height + "x" + width);
    }
    this.height = height;
    this.width = width;
    this.cellHeight = (height + cells - 1) / cells;
    this.cellWidth = (width + cells - 1) / cells;
  }

  @Override
  public void fill(long index, SplittableRandom rng, float[] out, int offset) {
    int oy = rng.nextInt(2 * cellHeight);
    int ox = rng.nextInt(2 * cellWidth);
    for (int y = 0; y < height; y++) {
      int rowParity = ((y + oy) / cellHeight) & 1;
      int o = offset + y * width;
      for (int x = 0; x < width; x++) {
        out[o + x] = ((((x + ox) / cellWidth) & 1) ^ rowParity) == 0 ? 1f : 0f;
      }
    }
  }
}
