package dev.lanterne.testing;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * The pretrained models' preprocessing, approximately, with java.awt only: centre crop 87.5% of the
 * shorter side, bilinear resize, (p/255 - 0.5) / 0.5. Good enough to check top-1 classes in tests.
 */
public final class InceptionImages {
  private InceptionImages() {}

  /** The image as a [3,size,size] tensor in [-1, 1]. */
  public static float[] load(Path file, int size) {
    BufferedImage src;
    try {
      src = ImageIO.read(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    int side = (int) Math.round(0.875 * Math.min(src.getWidth(), src.getHeight()));
    int x0 = (src.getWidth() - side) / 2;
    int y0 = (src.getHeight() - side) / 2;
    BufferedImage dst = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = dst.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
    g.drawImage(src, 0, 0, size, size, x0, y0, x0 + side, y0 + side, null);
    g.dispose();
    float[] out = new float[3 * size * size];
    int plane = size * size;
    for (int y = 0; y < size; y++) {
      for (int x = 0; x < size; x++) {
        int rgb = dst.getRGB(x, y);
        int i = y * size + x;
        out[i] = ((rgb >> 16 & 255) / 255f - 0.5f) / 0.5f;
        out[plane + i] = ((rgb >> 8 & 255) / 255f - 0.5f) / 0.5f;
        out[2 * plane + i] = ((rgb & 255) / 255f - 0.5f) / 0.5f;
      }
    }
    return out;
  }
}
