package dev.lanterne.metrics;

/**
 * An axis-aligned box in model input pixel coordinates: x0 &lt;= x1 across, y0 &lt;= y1 down. Pixel
 * (x, y) covers [x, x+1) x [y, y+1) and is inside when its centre is, so integer boxes contain
 * the pixels x0 &lt;= x &lt; x1, y0 &lt;= y &lt; y1 ([0, 0, W, H] is the whole image).
 *
 * @param x0 left edge
 * @param y0 top edge
 * @param x1 right edge
 * @param y1 bottom edge
 */
public record Box(double x0, double y0, double x1, double y1) {
  /**
   * Checks the values.
   *
   * @throws IllegalArgumentException when x0 &gt; x1 or y0 &gt; y1
   */
  public Box {
    if (!(x0 <= x1 && y0 <= y1)) {
      throw new IllegalArgumentException("a box needs x0 <= x1 and y0 <= y1, got [" + x0 + ", " + y0 + ", " + x1
          + ", " + y1 + "]");
    }
  }

  /**
   * Whether pixel (x, y) is inside, that is its centre (x + 0.5, y + 0.5) lies in the box (edges included).
   */
  public boolean containsPixel(int x, int y) {
    double cx = x + 0.5;
    double cy = y + 0.5;
    return cx >= x0 && cx <= x1 && cy >= y0 && cy <= y1;
  }
}
