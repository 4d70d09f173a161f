package dev.lanterne.image;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferInt;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;

/**
 * Turns any decoded image into 8-bit RGB ({@link BufferedImage#TYPE_INT_RGB}) as PIL's
 * {@code convert("RGB")} does: grey is copied to the three channels, palettes are looked up, alpha
 * is dropped (not composited), 16-bit samples keep their high byte, and embedded ICC profiles of RGB
 * or grey images are ignored (PIL ignores them too). Other colour spaces (CMYK, YCCK) go through
 * Java's colour conversion.
 */
public final class RgbConversion {
  private RgbConversion() {}

  /** The pixels of an image as packed 0xRRGGBB ints, row by row (shared, not copied). */
  public static int[] pixels(BufferedImage rgb) {
    if (rgb.getType() != BufferedImage.TYPE_INT_RGB) {
      throw new IllegalArgumentException("expected a TYPE_INT_RGB image, got type " + rgb.getType());
    }
    return ((DataBufferInt) rgb.getRaster().getDataBuffer()).getData();
  }

  /** A new TYPE_INT_RGB image of the given size. */
  public static BufferedImage newRgb(int width, int height) {
    return new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
  }

  /** The image itself if it is already a plain TYPE_INT_RGB image, else its PIL-style RGB conversion. */
  public static BufferedImage toRgb(BufferedImage image) {
    if (image.getType() == BufferedImage.TYPE_INT_RGB && image.getRaster().getParent() == null
        && image.getRaster().getMinX() == 0 && image.getRaster().getMinY() == 0) {
      return image;
    }
    int w = image.getWidth();
    int h = image.getHeight();
    BufferedImage out = newRgb(w, h);
    int[] dst = pixels(out);
    ColorModel cm = image.getColorModel();
    int csType = cm.getColorSpace().getType();
    Raster raster = image.getRaster();
    if (cm instanceof IndexColorModel icm) {
      fromPalette(raster, icm, dst, w, h);
    } else if (csType == ColorSpace.TYPE_GRAY && isIntegral(raster)) {
      fromComponents(raster, cm, dst, w, h, true);
    } else if (csType == ColorSpace.TYPE_RGB && isIntegral(raster) && cm.getNumColorComponents() == 3) {
      fromComponents(raster, cm, dst, w, h, false);
    } else {
      for (int y = 0; y < h; y++) {
        image.getRGB(0, y, w, 1, dst, y * w, w);
      }
      for (int i = 0; i < dst.length; i++) {
        dst[i] &= 0xFFFFFF;
      }
    }
    return out;
  }

  private static boolean isIntegral(Raster raster) {
    int t = raster.getTransferType();
    return t == DataBuffer.TYPE_BYTE || t == DataBuffer.TYPE_USHORT || t == DataBuffer.TYPE_INT;
  }

  private static void fromPalette(Raster raster, IndexColorModel icm, int[] dst, int w, int h) {
    int[] row = new int[w];
    int size = icm.getMapSize();
    int[] palette = new int[size];
    icm.getRGBs(palette);
    for (int y = 0; y < h; y++) {
      raster.getSamples(raster.getMinX(), raster.getMinY() + y, w, 1, 0, row);
      for (int x = 0; x < w; x++) {
        int index = row[x];
        dst[y * w + x] = index < size ? palette[index] & 0xFFFFFF : 0;
      }
    }
  }

  /** Raw samples scaled to 8 bits, colour profile ignored; grey is replicated to R, G and B. */
  private static void fromComponents(Raster raster, ColorModel cm, int[] dst, int w, int h, boolean grey) {
    int bands = raster.getNumBands();
    int channels = grey ? 1 : 3;
    int[] shift = new int[channels];
    int[] max = new int[channels];
    for (int c = 0; c < channels; c++) {
      int bits = cm.getComponentSize(c);
      shift[c] = bits > 8 ? bits - 8 : 0;
      max[c] = bits < 8 ? (1 << bits) - 1 : 0;
    }
    int[] row = new int[w * bands];
    for (int y = 0; y < h; y++) {
      raster.getPixels(raster.getMinX(), raster.getMinY() + y, w, 1, row);
      for (int x = 0; x < w; x++) {
        int base = x * bands;
        int r = scale(row[base], shift[0], max[0]);
        if (grey) {
          dst[y * w + x] = r << 16 | r << 8 | r;
        } else {
          int g = scale(row[base + 1], shift[1], max[1]);
          int b = scale(row[base + 2], shift[2], max[2]);
          dst[y * w + x] = r << 16 | g << 8 | b;
        }
      }
    }
  }

  /** Deep samples keep their high byte; shallow ones (1, 2, 4, 5 bits) stretch to 0..255 as PIL's unpackers do. */
  private static int scale(int v, int shift, int max) {
    if (max > 0) {
      return v * 255 / max;
    }
    return Math.min(255, Math.max(0, v >>> shift));
  }
}
