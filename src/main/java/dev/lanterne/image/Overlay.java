package dev.lanterne.image;

import java.awt.image.BufferedImage;

/**
 * Attribution maps as pictures: normalised for display, coloured with a {@link ColorMap}, and
 * alpha-blended over the image the model saw.
 */
public final class Overlay {
  /** A map whose range is below this fraction of its magnitude is treated as constant. */
  private static final double RELATIVE_EPSILON = 1e-6;

  private Overlay() {}

  /**
   * Min-max normalisation to [0,1]. The epsilon is relative to the data's scale, so tiny but
   * meaningful maps (a gradient of 1e-9 everywhere) still spread over [0,1]; a constant map (and
   * NaN) becomes 0.
   */
  public static float[] normalize(float[] map) {
    float min = Float.POSITIVE_INFINITY;
    float max = Float.NEGATIVE_INFINITY;
    for (float v : map) {
      if (v < min) {
        min = v;
      }
      if (v > max) {
        max = v;
      }
    }
    float[] out = new float[map.length];
    double range = (double) max - min;
    double scale = Math.max(Math.abs((double) max), Math.abs((double) min));
    if (!(range > RELATIVE_EPSILON * scale) || Double.isInfinite(range)) {
      return out;
    }
    for (int i = 0; i < map.length; i++) {
      float v = (float) ((map[i] - (double) min) / range);
      out[i] = Float.isNaN(v) ? 0f : v;
    }
    return out;
  }

  /** A map of width x height (row by row) as a colour picture, after min-max normalisation. */
  public static BufferedImage colorize(float[] map, int width, int height, ColorMap colors) {
    checkSize(map, width, height);
    float[] norm = normalize(map);
    BufferedImage out = RgbConversion.newRgb(width, height);
    int[] dst = RgbConversion.pixels(out);
    for (int i = 0; i < norm.length; i++) {
      dst[i] = colors.rgb(norm[i]);
    }
    return out;
  }

  /**
   * The map coloured and blended over the image: {@code (1 - opacity) * image + opacity * colour}.
   * A map of another size than the image is resized to it (bilinear, as PIL) after colouring.
   */
  public static BufferedImage blend(BufferedImage image, float[] map, int mapWidth, int mapHeight,
      ColorMap colors, float opacity) {
    if (!(opacity >= 0 && opacity <= 1)) {
      throw new IllegalArgumentException("opacity must be in [0,1], got " + opacity);
    }
    BufferedImage base = RgbConversion.toRgb(image);
    int w = base.getWidth();
    int h = base.getHeight();
    BufferedImage heat = colorize(map, mapWidth, mapHeight, colors);
    if (mapWidth != w || mapHeight != h) {
      heat = PilResize.resize(heat, w, h);
    }
    int[] a = RgbConversion.pixels(base);
    int[] b = RgbConversion.pixels(heat);
    BufferedImage out = RgbConversion.newRgb(w, h);
    int[] dst = RgbConversion.pixels(out);
    // fixed-point weights out of 256 keep the loop on ints
    int wb = Math.round(opacity * 256);
    int wa = 256 - wb;
    for (int i = 0; i < dst.length; i++) {
      int p = a[i];
      int q = b[i];
      int r = (((p >>> 16) & 0xFF) * wa + ((q >>> 16) & 0xFF) * wb + 128) >> 8;
      int g = (((p >>> 8) & 0xFF) * wa + ((q >>> 8) & 0xFF) * wb + 128) >> 8;
      int bl = ((p & 0xFF) * wa + (q & 0xFF) * wb + 128) >> 8;
      dst[i] = r << 16 | g << 8 | bl;
    }
    return out;
  }

  private static void checkSize(float[] map, int width, int height) {
    if (width < 1 || height < 1 || (long) width * height != map.length) {
      throw new IllegalArgumentException(
          "map has " + map.length + " values, not " + width + "x" + height);
    }
  }
}
