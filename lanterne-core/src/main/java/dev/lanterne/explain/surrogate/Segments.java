package dev.lanterne.explain.surrogate;

import java.util.Arrays;

/**
 * A partition of an H x W image into segments 0..count-1 (superpixels, grid cells): Captum's
 * {@code feature_mask}. Immutable.
 *
 * @param labels segment of each pixel, row-major [H*W], values in [0, count)
 * @param height image height
 * @param width image width
 * @param count number of segments
 */
public record Segments(int[] labels, int height, int width, int count) {
  /**
   * Checks and copies the labels.
   *
   * @throws IllegalArgumentException when there is not one label per pixel, a label is outside [0, count), or
   *     a segment has no pixel
   */
  public Segments {
    if (labels.length != height * width) {
      throw new IllegalArgumentException("expected " + height * width + " labels, got " + labels.length);
    }
    labels = labels.clone();
    boolean[] seen = new boolean[count];
    for (int l : labels) {
      if (l < 0 || l >= count) {
        throw new IllegalArgumentException("segment label " + l + " outside [0," + count + ")");
      }
      seen[l] = true;
    }
    for (int s = 0; s < count; s++) {
      if (!seen[s]) {
        throw new IllegalArgumentException("segment " + s + " has no pixel");
      }
    }
  }

  /** Square cells of side {@code cell} pixels (the last row and column may be smaller). */
  public static Segments grid(int height, int width, int cell) {
    int rows = (height + cell - 1) / cell;
    int cols = (width + cell - 1) / cell;
    int[] l = new int[height * width];
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        l[y * width + x] = (y / cell) * cols + x / cell;
      }
    }
    return new Segments(l, height, width, rows * cols);
  }

  /** The segment of pixel (y, x). */
  public int at(int y, int x) {
    return labels[y * width + x];
  }

  /** Pixels per segment. */
  public int[] sizes() {
    int[] n = new int[count];
    for (int l : labels) {
      n[l]++;
    }
    return n;
  }

  /** Spreads one value per segment over the pixels: the map [H*W]. */
  public float[] paint(double[] perSegment) {
    if (perSegment.length != count) {
      throw new IllegalArgumentException("expected " + count + " segment values, got " + perSegment.length);
    }
    float[] map = new float[labels.length];
    for (int u = 0; u < labels.length; u++) {
      map[u] = (float) perSegment[labels[u]];
    }
    return map;
  }

  /** The labels (a copy). */
  @Override
  public int[] labels() {
    return labels.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Segments s && s.height == height && s.width == width && s.count == count
        && Arrays.equals(s.labels, labels);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(labels) * 31 + count;
  }

  @Override
  public String toString() {
    return "Segments[" + count + " over " + height + "x" + width + "]";
  }
}
