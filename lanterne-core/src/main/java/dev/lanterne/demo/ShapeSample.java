package dev.lanterne.demo;

import java.awt.image.BufferedImage;

/**
 * One generated picture with its ground truth. The arrays are shared, not copied: treat them as
 * read-only.
 *
 * @param kind the shape drawn, whose ordinal is the class index
 * @param size the picture is size x size pixels
 * @param rgb the pixels, row-major, packed 0xRRGGBB
 * @param mask row-major, true exactly where the object was drawn
 * @param box the tight bounding box of the mask
 * @param seed the seed that reproduces this sample with {@link Shapes#sample(long)}
 */
public record ShapeSample(ShapeKind kind, int size, int[] rgb, boolean[] mask, Box box, long seed) {

  /**
   * A pixel rectangle [x0, x1) x [y0, y1).
   *
   * @param x0 first column inside
   * @param y0 first row inside
   * @param x1 first column past the right edge
   * @param y1 first row past the bottom edge
   */
  public record Box(int x0, int y0, int x1, int y1) {
    /** Width in pixels ({@code x1 - x0}). */
    public int width() {
      return x1 - x0;
    }

    /** Height in pixels ({@code y1 - y0}). */
    public int height() {
      return y1 - y0;
    }

    /** Whether pixel (x, y) lies inside the box. */
    public boolean contains(int x, int y) {
      return x >= x0 && x < x1 && y >= y0 && y < y1;
    }
  }

  /** The class index of the shape (its {@link ShapeKind} ordinal). */
  public int label() {
    return kind.ordinal();
  }

  /** Number of object pixels. */
  public int maskArea() {
    int n = 0;
    for (boolean m : mask) {
      if (m) {
        n++;
      }
    }
    return n;
  }

  /** The picture as an RGB image, for display or for a {@code Preprocessor}. */
  public BufferedImage image() {
    BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
    img.setRGB(0, 0, size, size, rgb, 0, size);
    return img;
  }

  /** The pixels as [3,H,W] floats in [0,1], the model input before mean and std are applied. */
  public float[] toChw01() {
    int plane = size * size;
    float[] out = new float[3 * plane];
    for (int i = 0; i < plane; i++) {
      int p = rgb[i];
      out[i] = ((p >> 16) & 0xFF) / 255f;
      out[plane + i] = ((p >> 8) & 0xFF) / 255f;
      out[2 * plane + i] = (p & 0xFF) / 255f;
    }
    return out;
  }
}
