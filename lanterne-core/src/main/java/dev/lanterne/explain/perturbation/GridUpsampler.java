package dev.lanterne.explain.perturbation;

import java.awt.geom.AffineTransform;
import java.awt.geom.Point2D;

/**
 * RISE's mask resampling (Petsiuk et al. 2018, section 3, and the authors' code): an s x s grid is
 * resized bilinearly to (s+1) x cell (cell = ceil(size/s)), as skimage's {@code resize(order=1,
 * mode='reflect', anti_aliasing=False)} does, and cropped at a shift in [0, cell).
 *
 * <p>Output pixel centres map to grid coordinates with the pixel-centre ("align corners false")
 * convention: src = (y + shift + 0.5) * s / ((s+1) cell) - 0.5. A neighbour outside the grid is
 * mirrored about the edge cell without repeating it (numpy's 'reflect': -1 -> 1, s -> s-2). The
 * weights for every shift are tabulated once per axis, so drawing a mask is two separable passes.
 */
final class GridUpsampler {
  private final int height;
  private final int width;
  private final int rows;
  private final int cols;
  private final int cellHeight;
  private final int cellWidth;
  private final Axis yAxis;
  private final Axis xAxis;

  /** Tabulated neighbours and weight of every output position, for every shift: [shift * size + pos]. */
  private record Axis(int size, int[] lo, int[] hi, float[] weightHi) {}

  GridUpsampler(int height, int width, int rows, int cols) {
    if (rows < 1 || cols < 1 || rows > height || cols > width) {
      throw new IllegalArgumentException("grid " + rows + "x" + cols + " does not fit an image of "
          + height + "x" + width);
    }
    this.height = height;
    this.width = width;
    this.rows = rows;
    this.cols = cols;
    this.cellHeight = ceilDiv(height, rows);
    this.cellWidth = ceilDiv(width, cols);
    // the affine map from an upsampled pixel index to grid coordinates (x = column, y = row)
    AffineTransform toGrid = AffineTransform.getTranslateInstance(-0.5, -0.5);
    toGrid.scale((double) cols / ((cols + 1) * cellWidth), (double) rows / ((rows + 1) * cellHeight));
    toGrid.translate(0.5, 0.5);
    this.yAxis = tabulate(height, rows, cellHeight, toGrid, true);
    this.xAxis = tabulate(width, cols, cellWidth, toGrid, false);
  }

  private static Axis tabulate(int size, int cells, int cell, AffineTransform toGrid, boolean vertical) {
    int[] lo = new int[cell * size];
    int[] hi = new int[cell * size];
    float[] w = new float[cell * size];
    Point2D.Double p = new Point2D.Double();
    for (int shift = 0; shift < cell; shift++) {
      for (int pos = 0; pos < size; pos++) {
        double up = pos + shift;
        p.setLocation(vertical ? 0 : up, vertical ? up : 0);
        toGrid.transform(p, p);
        double src = vertical ? p.y : p.x;
        int i0 = (int) Math.floor(src);
        int k = shift * size + pos;
        lo[k] = mirror(i0, cells);
        hi[k] = mirror(i0 + 1, cells);
        w[k] = (float) (src - i0);
      }
    }
    return new Axis(size, lo, hi, w);
  }

  /** numpy 'reflect' (scipy 'mirror'): reflect about the edge cell's centre. */
  static int mirror(int i, int n) {
    if (n == 1) {
      return 0;
    }
    int period = 2 * (n - 1);
    int m = Math.floorMod(i, period);
    return m < n ? m : period - m;
  }

  private static int ceilDiv(int a, int b) {
    return (a + b - 1) / b;
  }

  int cellHeight() {
    return cellHeight;
  }

  int cellWidth() {
    return cellWidth;
  }

  /** Grid rows: the lines of a mask. */
  int rows() {
    return rows;
  }

  /** The line row y starts from at vertical shift shiftY. */
  int lowLine(int shiftY, int y) {
    return yAxis.lo[shiftY * height + y];
  }

  /** The line row y blends towards at vertical shift shiftY. */
  int highLine(int shiftY, int y) {
    return yAxis.hi[shiftY * height + y];
  }

  /** Row y's weight of its high line at vertical shift shiftY. */
  float highWeight(int shiftY, int y) {
    return yAxis.weightHi[shiftY * height + y];
  }

  /** The horizontal pass: each grid row resampled to the image's width at shiftX, into lines[r]. */
  void lines(float[] grid, int shiftX, float[][] lines) {
    int xBase = shiftX * width;
    for (int r = 0; r < rows; r++) {
      int g = r * cols;
      float[] line = lines[r];
      for (int x = 0; x < width; x++) {
        int k = xBase + x;
        float a = grid[g + xAxis.lo[k]];
        line[x] = a + xAxis.weightHi[k] * (grid[g + xAxis.hi[k]] - a);
      }
    }
  }
}
