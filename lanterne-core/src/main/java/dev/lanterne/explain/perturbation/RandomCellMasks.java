package dev.lanterne.explain.perturbation;

import java.util.SplittableRandom;

/**
 * The {@code grid} family: hard-edged (not smoothed) square cells of cell = ceil(size/s) pixels,
 * each kept independently with probability p, the whole grid laid at a random phase in
 * [0, cell) on each axis. A new keep pattern and a new phase are drawn for every mask, as the
 * binary family does, so two pixels in different cells are independent and every pixel has
 * E[M] = p: averaging over masks leaves no periodic pattern (a fixed checkerboard would keep
 * every second cell correlated with the first, and its RISE map would repeat every two cells).
 */
public final class RandomCellMasks extends SeparableMasks {
  private final int cellHeight;
  private final int cellWidth;
  private final int rows;
  private final int cols;
  private final double p;

  /**
   * @param height mask height in pixels
   * @param width mask width in pixels
   * @param cells cells per side s
   * @param p keep probability of a cell
   */
  public RandomCellMasks(int height, int width, int cells, double p) {
    super(height, width);
    BinaryGridMasks.checkProbability(p);
    if (cells < 1 || cells > Math.min(height, width)) {
      throw new IllegalArgumentException("grid of " + cells + " cells does not fit " + height + "x" + width);
    }
    this.p = p;
    this.cellHeight = (height + cells - 1) / cells;
    this.cellWidth = (width + cells - 1) / cells;
    // one more cell per axis so that any phase still covers the image
    this.rows = (height + cellHeight - 1) / cellHeight + 1;
    this.cols = (width + cellWidth - 1) / cellWidth + 1;
  }

  /** One line per row of cells. */
  @Override
  public int lineCount() {
    return rows;
  }

  /** The vertical phase oy. */
  @Override
  public int phaseCount() {
    return cellHeight;
  }

  @Override
  public int fillLines(long index, SplittableRandom rng, float[][] lines) {
    int oy = rng.nextInt(cellHeight);
    int ox = rng.nextInt(cellWidth);
    boolean[] keep = new boolean[rows * cols];
    for (int i = 0; i < keep.length; i++) {
      keep[i] = rng.nextDouble() < p;
    }
    for (int r = 0; r < rows; r++) {
      float[] line = lines[r];
      for (int x = 0; x < width(); x++) {
        line[x] = keep[r * cols + (x + ox) / cellWidth] ? 1f : 0f;
      }
    }
    return oy;
  }

  /** Row y lies in cell row (y + oy) / cell, with nothing to blend. */
  @Override
  public int lowLine(int phase, int y) {
    return (y + phase) / cellHeight;
  }

  @Override
  public int highLine(int phase, int y) {
    return lowLine(phase, y);
  }

  @Override
  public float highWeight(int phase, int y) {
    return 0f;
  }

  @Override
  public double meanValue() {
    return p;
  }
}
