package dev.lanterne.explain.perturbation;

import java.util.SplittableRandom;

/**
 * A mask family whose masks are a few full-width lines blended down the image: row y of a mask is
 * L[lo(y)] + w(y) (L[hi(y)] - L[lo(y)]), where the lines L are drawn for each mask and (lo, hi, w)
 * depend only on the mask's vertical phase. RISE's upsampled grids are of this kind (a grid's
 * horizontal pass gives the lines, its vertical shift the phase), and so are hard cells and stripes.
 *
 * <p>Since a mask is linear in its lines, RISE sums score times lines per phase, a few rows per
 * mask, and expands the sums once at the end, instead of adding every full mask to a map; and a
 * mask's lines are so cheap to draw again that no image keeps them for the next.
 */
abstract class SeparableMasks implements MaskGenerator {
  private final int height;
  private final int width;

  SeparableMasks(int height, int width) {
    this.height = height;
    this.width = width;
  }

  /** Mask height in pixels. */
  public final int height() {
    return height;
  }

  /** Mask width in pixels: the length of a line. */
  public final int width() {
    return width;
  }

  /** Lines per mask. */
  public abstract int lineCount();

  /** Vertical phases: a mask's phase is in [0, phaseCount). */
  public abstract int phaseCount();

  /**
   * Draws the lines of mask {@code index} into lines[0, lineCount) (each of width values), drawing
   * exactly what {@link #fill} draws from rng, and returns the mask's phase.
   */
  public abstract int fillLines(long index, SplittableRandom rng, float[][] lines);

  /** The line row y of a mask of this phase starts from. */
  public abstract int lowLine(int phase, int y);

  /** The line row y of a mask of this phase blends towards. */
  public abstract int highLine(int phase, int y);

  /** Row y's weight of the high line in a mask of this phase. */
  public abstract float highWeight(int phase, int y);

  /**
   * Writes the mask of these lines and phase into out[offset, offset + height*width): row y is
   * lines[lowLine] + highWeight (lines[highLine] - lines[lowLine]), in float. Each row is blended into a
   * line of its own and copied out: with every array read and written from index 0, the JIT vectorises
   * the blend (2-3x faster than indexing out and the lines at running offsets, measured).
   */
  public void expand(float[][] lines, int phase, float[] out, int offset) {
    float[] row = new float[width];
    for (int y = 0; y < height; y++) {
      blend(lines[lowLine(phase, y)], lines[highLine(phase, y)], highWeight(phase, y), row);
      System.arraycopy(row, 0, out, offset + y * width, width);
    }
  }

  /** out = lo + w (hi - lo), elementwise. */
  private static void blend(float[] lo, float[] hi, float w, float[] out) {
    for (int x = 0; x < out.length; x++) {
      float a = lo[x];
      out[x] = a + w * (hi[x] - a);
    }
  }

  @Override
  public void fill(long index, SplittableRandom rng, float[] out, int offset) {
    float[][] lines = new float[lineCount()][width()];
    expand(lines, fillLines(index, rng, lines), out, offset);
  }
}
