package dev.lanterne.explain.perturbation;

import dev.lanterne.image.Png;
import java.awt.image.BufferedImage;
import java.nio.file.Path;

/**
 * A sample of masks as one grayscale PNG grid (white = kept), for --save-masks. The tiles are
 * masks 0, 1, 2 ... of the run, drawn from the same (seed, index) streams, so they are exactly the
 * masks the run used.
 */
public final class MaskSheet {
  private static final int GAP = 2;

  private MaskSheet() {}

  /**
   * @param count masks to draw
   * @param columns tiles per row
   */
  public static BufferedImage render(MaskGenerator masks, long seed, int count, int height, int width, int columns) {
    if (count < 1 || columns < 1) {
      throw new IllegalArgumentException("count and columns must be >= 1");
    }
    int cols = Math.min(columns, count);
    int rows = (count + cols - 1) / cols;
    BufferedImage sheet = new BufferedImage(cols * (width + GAP) - GAP, rows * (height + GAP) - GAP,
        BufferedImage.TYPE_BYTE_GRAY);
    var raster = sheet.getRaster();
    // gaps stay mid-gray so black mask borders remain visible
    for (int y = 0; y < sheet.getHeight(); y++) {
      for (int x = 0; x < sheet.getWidth(); x++) {
        raster.setSample(x, y, 0, 128);
      }
    }
    float[] m = new float[height * width];
    for (int i = 0; i < count; i++) {
      masks.fill(i, MaskSeeds.forMask(seed, i), m, 0);
      int ox = (i % cols) * (width + GAP);
      int oy = (i / cols) * (height + GAP);
      for (int y = 0; y < height; y++) {
        for (int x = 0; x < width; x++) {
          float v = Math.min(1f, Math.max(0f, m[y * width + x]));
          raster.setSample(ox + x, oy + y, 0, Math.round(v * 255));
        }
      }
    }
    return sheet;
  }

  /** Renders and writes the sheet as a PNG, atomically. */
  public static void write(Path file, MaskGenerator masks, long seed, int count, int height, int width, int columns) {
    Png.write(file, render(masks, seed, count, height, width, columns));
  }
}
