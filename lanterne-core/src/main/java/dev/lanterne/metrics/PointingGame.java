package dev.lanterne.metrics;

import java.util.List;

/**
 * The pointing game (Zhang et al., ECCV 2016), as TorchRay plays it: a hit when the map's maximum
 * falls inside a box of the class, or, with a tolerance of r pixels, when some pixel closer than r
 * to the maximum (squared distance below r squared) lies in a box. TorchRay uses r = 15.
 */
public final class PointingGame {
  /** The tolerance TorchRay uses, in pixels. */
  public static final int TORCHRAY_TOLERANCE = 15;

  private final int tolerance;

  /** @param tolerance radius in pixels; 0 for the strict game (the maximum itself must be inside) */
  public PointingGame(int tolerance) {
    if (tolerance < 0) {
      throw new IllegalArgumentException("the tolerance must be >= 0, got " + tolerance);
    }
    this.tolerance = tolerance;
  }

  /** The tolerance radius in pixels (0: strict). */
  public int tolerance() {
    return tolerance;
  }

  /**
   * Where the map pointed and whether it hit.
   *
   * @param x column of the map's maximum
   * @param y row of the map's maximum
   * @param hit whether it counts as a hit
   */
  public record Point(int x, int y, boolean hit) {}

  /**
   * Running count of hits.
   *
   * @param hits maps that hit
   * @param total maps played
   */
  public record Tally(int hits, int total) {
    /** No map played yet. */
    public static final Tally EMPTY = new Tally(0, 0);

    /** The tally with one more map counted. */
    public Tally add(boolean hit) {
      return new Tally(hits + (hit ? 1 : 0), total + 1);
    }

    /** Fraction of hits, or NaN when nothing was played. */
    public double accuracy() {
      return total == 0 ? Double.NaN : (double) hits / total;
    }
  }

  /** Plays one map [H,W] (row-major) against the boxes of its class. */
  public Point play(float[] map, int height, int width, List<Box> boxes) {
    if (map.length != height * width) {
      throw new IllegalArgumentException("the map has " + map.length + " values, not " + height + "x" + width);
    }
    int best = 0;
    for (int i = 1; i < map.length; i++) {
      if (map[i] > map[best]) {
        best = i;
      }
    }
    int px = best % width;
    int py = best / width;
    return new Point(px, py, hitNear(px, py, height, width, boxes));
  }

  private boolean hitNear(int px, int py, int height, int width, List<Box> boxes) {
    if (tolerance == 0) {
      return inside(px, py, boxes);
    }
    int r2 = tolerance * tolerance;
    for (int y = Math.max(0, py - tolerance); y <= Math.min(height - 1, py + tolerance); y++) {
      for (int x = Math.max(0, px - tolerance); x <= Math.min(width - 1, px + tolerance); x++) {
        int dx = x - px;
        int dy = y - py;
        if (dx * dx + dy * dy < r2 && inside(x, y, boxes)) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean inside(int x, int y, List<Box> boxes) {
    for (Box b : boxes) {
      if (b.containsPixel(x, y)) {
        return true;
      }
    }
    return false;
  }
}
