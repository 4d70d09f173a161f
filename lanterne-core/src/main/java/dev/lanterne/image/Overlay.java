package dev.lanterne.image;

import dev.lanterne.LanterneException;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Attribution maps as pictures, with the conventions of Captum's {@code visualize_image_attr}:
 * a {@link Sign} picks which part of the map is shown, outliers are clipped by the cumulative-sum
 * percentile (the values above which the top {@code clipPercent}% of the attribution mass lies
 * saturate), and a {@link Mode} draws the result as a heat map, a heat map blended over the
 * (grey) image, the image masked by the map, or the image's opacity scaled by the map. A
 * {@link Scale} holds the real values at both ends of the colours, so several maps can share one
 * scale and every picture can carry a colour bar ({@link #colorBar}).
 *
 * <p>The older {@link #normalize}, {@link #colorize} and {@link #blend} (per-map min-max, no
 * clipping) remain for callers that want them.
 */
public final class Overlay {
  static {
    if (System.getProperty("java.awt.headless") == null) {
      System.setProperty("java.awt.headless", "true");
    }
  }

  /** A map whose range is below this fraction of its magnitude is treated as constant. */
  private static final double RELATIVE_EPSILON = 1e-6;
  private static final int BAR_HEIGHT = 10;
  private static final int BAR_FONT = 11;

  private Overlay() {}

  /** How a map is drawn (Captum's {@code method}). */
  public enum Mode {
    /** The colour map alone. */
    HEAT_MAP,
    /** The colour map at the style's opacity over the image in grey. */
    BLENDED_HEAT_MAP,
    /** The image multiplied by the normalised map: unimportant pixels go black. */
    MASKED_IMAGE,
    /** The image over white with the normalised map as its opacity: unimportant pixels fade out. */
    ALPHA_SCALING;

    /** heat (heat_map), blended (blended_heat_map), masked (masked_image) or alpha (alpha_scaling). */
    public static Mode parse(String s) {
      return switch (s.trim().toLowerCase(Locale.ROOT).replace('-', '_')) {
        case "heat", "heat_map", "heatmap" -> HEAT_MAP;
        case "blended", "blended_heat_map", "blend" -> BLENDED_HEAT_MAP;
        case "masked", "masked_image", "mask" -> MASKED_IMAGE;
        case "alpha", "alpha_scaling" -> ALPHA_SCALING;
        default -> throw LanterneException.usage("display", "unknown display '" + s + "'; use heat, blended, masked or alpha");
      };
    }

    /** The short name the command line takes. */
    public String id() {
      return switch (this) {
        case HEAT_MAP -> "heat";
        case BLENDED_HEAT_MAP -> "blended";
        case MASKED_IMAGE -> "masked";
        case ALPHA_SCALING -> "alpha";
      };
    }
  }

  /** Which part of a map is shown (Captum's {@code sign}). */
  public enum Sign {
    /** |a|, from 0 up. */
    ABSOLUTE_VALUE,
    /** max(a, 0), from 0 up. */
    POSITIVE,
    /** The negative part, shown by its magnitude max(-a, 0); the colour bar gives the real (negative) values. */
    NEGATIVE,
    /** a itself on a scale symmetric about 0 (zero in the colour map's centre). */
    ALL;

    /** abs (absolute_value), positive, negative or all. */
    public static Sign parse(String s) {
      return switch (s.trim().toLowerCase(Locale.ROOT).replace('-', '_')) {
        case "abs", "absolute", "absolute_value" -> ABSOLUTE_VALUE;
        case "positive", "pos" -> POSITIVE;
        case "negative", "neg" -> NEGATIVE;
        case "all", "signed" -> ALL;
        default -> throw LanterneException.usage("sign", "unknown sign '" + s + "'; use abs, positive, negative or all");
      };
    }

    /** The short name the command line takes. */
    public String id() {
      return switch (this) {
        case ABSOLUTE_VALUE -> "abs";
        case POSITIVE -> "positive";
        case NEGATIVE -> "negative";
        case ALL -> "all";
      };
    }

    /** The value shown for a raw value (the magnitude for NEGATIVE). */
    float shown(float a) {
      return switch (this) {
        case ABSOLUTE_VALUE -> Math.abs(a);
        case POSITIVE -> Math.max(a, 0f);
        case NEGATIVE -> Math.max(-a, 0f);
        case ALL -> a;
      };
    }
  }

  /**
   * Where an unsigned scale starts. Attribution maps (gradients, Grad-CAM, occlusion) have a
   * meaningful zero; RISE's map E[score M] / p sits on an offset (the mean masked score) that is
   * not attribution, so it reads better from its minimum.
   */
  public enum Origin {
    /** The scale starts at 0. */
    ZERO,
    /** The scale starts at the smallest shown value. */
    MINIMUM,
    /** MINIMUM when every shown value is positive and the smallest is above a quarter of the largest, else ZERO. */
    AUTO;

    /** zero, min or auto. */
    public static Origin parse(String s) {
      return switch (s.trim().toLowerCase(Locale.ROOT)) {
        case "zero", "0" -> ZERO;
        case "min", "minimum" -> MINIMUM;
        case "auto" -> AUTO;
        default -> throw LanterneException.usage("origin", "unknown origin '" + s + "'; use zero, min or auto");
      };
    }
  }

  /**
   * A drawing style.
   *
   * @param mode how the map is drawn
   * @param sign which part of the map is shown
   * @param clipPercent percentage of the attribution mass (cumulative sum, as Captum) that saturates, in [0, 100)
   * @param colorMap colour map, or null for the default of the sign (seismic for ALL, inferno otherwise)
   * @param opacity weight of the colours over the grey image in BLENDED_HEAT_MAP, in [0,1]
   * @param origin where an unsigned scale starts
   */
  public record Style(Mode mode, Sign sign, double clipPercent, ColorMap colorMap, float opacity, Origin origin) {
    /** Checks the ranges. */
    public Style {
      if (mode == null || sign == null || origin == null) {
        throw new IllegalArgumentException("mode, sign and origin are needed");
      }
      if (!(clipPercent >= 0 && clipPercent < 100)) {
        throw LanterneException.usage("clip", "the clip must be a percentage in [0, 100), got " + clipPercent);
      }
      if (!(opacity >= 0 && opacity <= 1)) {
        throw LanterneException.usage("opacity", "the opacity must be between 0 and 1, got " + opacity);
      }
    }

    /** Captum's defaults for one map: blended heat map of the absolute value, 2% clipped, opacity 0.5. */
    public static Style defaults() {
      return new Style(Mode.BLENDED_HEAT_MAP, Sign.ABSOLUTE_VALUE, 2, null, 0.5f, Origin.AUTO);
    }

    /** The colour map used: the one given, else seismic for signed maps and inferno otherwise. */
    public ColorMap colors() {
      return colorMap != null ? colorMap : sign == Sign.ALL ? ColorMap.SEISMIC : ColorMap.INFERNO;
    }

    /** The same style drawn in another mode. */
    public Style withMode(Mode m) {
      return new Style(m, sign, clipPercent, colorMap, opacity, origin);
    }

    /** The same style showing another part of the map. */
    public Style withSign(Sign s) {
      return new Style(mode, s, clipPercent, colorMap, opacity, origin);
    }

    /** The same style with another clipped percentage, in [0, 100). */
    public Style withClipPercent(double c) {
      return new Style(mode, sign, c, colorMap, opacity, origin);
    }

    /** The same style with another colour map (null: the sign's default). */
    public Style withColorMap(ColorMap m) {
      return new Style(mode, sign, clipPercent, m, opacity, origin);
    }

    /** The same style with another heat-map opacity, in [0,1]. */
    public Style withOpacity(float o) {
      return new Style(mode, sign, clipPercent, colorMap, o, origin);
    }

    /** The same style with another start of unsigned scales. */
    public Style withOrigin(Origin o) {
      return new Style(mode, sign, clipPercent, colorMap, opacity, o);
    }
  }

  /**
   * The shown values (see {@link Sign#shown}) that map to the two ends of the colours.
   *
   * @param sign the sign the scale was made for
   * @param low shown value at the bottom of the colours (-high for ALL)
   * @param high shown value at the top of the colours
   * @param clippedLow whether some value lies below low (saturated)
   * @param clippedHigh whether some value lies above high (saturated)
   */
  public record Scale(Sign sign, double low, double high, boolean clippedLow, boolean clippedHigh) {
    /** The position in [0,1] along the colour map of a raw map value. */
    public float position(float raw) {
      float v = sign.shown(raw);
      if (Float.isNaN(v)) {
        return sign == Sign.ALL ? 0.5f : 0f;
      }
      double range = high - low;
      if (!(range > 0)) {
        return sign == Sign.ALL ? 0.5f : 0f;
      }
      return (float) Math.max(0, Math.min(1, (v - low) / range));
    }

    /** The real map value at a position in [0,1] (negated back for NEGATIVE). */
    public double value(double position) {
      double v = low + position * (high - low);
      return sign == Sign.NEGATIVE ? -v : v;
    }
  }

  /**
   * Captum's {@code _cumulative_sum_threshold}: sorts the values, and returns the first whose
   * cumulative sum reaches {@code (100 - clipPercent)%} of the total; 0 clips nothing (the maximum).
   *
   * @param values non-negative values
   */
  public static double cumulativeSumThreshold(double[] values, double clipPercent) {
    if (values.length == 0) {
      return 0;
    }
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    if (clipPercent <= 0) {
      return sorted[sorted.length - 1];
    }
    double total = 0;
    for (double v : sorted) {
      total += v;
    }
    double target = total * (100 - clipPercent) / 100;
    double sum = 0;
    for (double v : sorted) {
      sum += v;
      if (sum >= target) {
        return v;
      }
    }
    return sorted[sorted.length - 1];
  }

  /**
   * One scale for all the maps given (a shared scale when there are several): the origin and the
   * clipping threshold are computed from all their values pooled, so a map whose values are half
   * another's renders half as far along the colours.
   */
  public static Scale scale(Style style, List<float[]> maps) {
    Sign sign = style.sign();
    int n = 0;
    double minShown = Double.POSITIVE_INFINITY;
    double maxShown = Double.NEGATIVE_INFINITY;
    for (float[] m : maps) {
      for (float a : m) {
        float v = sign.shown(a);
        if (!Float.isNaN(v)) {
          minShown = Math.min(minShown, v);
          maxShown = Math.max(maxShown, v);
          n++;
        }
      }
    }
    if (n == 0) {
      return new Scale(sign, sign == Sign.ALL ? -1 : 0, 1, false, false);
    }
    double origin = 0;
    if (sign != Sign.ALL) {
      boolean fromMin = switch (style.origin()) {
        case ZERO -> false;
        case MINIMUM -> true;
        case AUTO -> minShown > 0 && minShown > 0.25 * maxShown;
      };
      origin = fromMin ? minShown : 0;
    }
    double[] mass = new double[n];
    int k = 0;
    for (float[] m : maps) {
      for (float a : m) {
        float v = sign.shown(a);
        if (!Float.isNaN(v)) {
          mass[k++] = Math.abs(v - origin);
        }
      }
    }
    double t = cumulativeSumThreshold(mass, style.clipPercent());
    double scaleOfData = Math.max(Math.abs(minShown), Math.abs(maxShown));
    if (!(t > RELATIVE_EPSILON * scaleOfData) || Double.isInfinite(t)) {
      // a constant (or all-zero) map: nothing to spread; keep a positive range so positions are defined
      t = Math.max(scaleOfData, Double.MIN_NORMAL);
      return new Scale(sign, sign == Sign.ALL ? -t : origin, sign == Sign.ALL ? t : origin + t, false, false);
    }
    if (sign == Sign.ALL) {
      return new Scale(sign, -t, t, minShown < -t, maxShown > t);
    }
    return new Scale(sign, origin, origin + t, minShown < origin, maxShown > origin + t);
  }

  /** The scale of one map on its own. */
  public static Scale scale(Style style, float[] map) {
    return scale(style, List.of(map));
  }

  /**
   * Draws a map over the image in the style, with the given scale. A map of another size than the
   * image is resized to it (bilinear, as PIL) after its positions are computed.
   */
  public static BufferedImage render(BufferedImage image, float[] map, int mapWidth, int mapHeight, Style style,
      Scale scale) {
    checkSize(map, mapWidth, mapHeight);
    BufferedImage base = RgbConversion.toRgb(image);
    int w = base.getWidth();
    int h = base.getHeight();
    // positions as an 8-bit grey picture, so resizing reuses the PIL-exact resampler
    BufferedImage pos = RgbConversion.newRgb(mapWidth, mapHeight);
    int[] pp = RgbConversion.pixels(pos);
    float[] position = new float[map.length];
    for (int i = 0; i < map.length; i++) {
      position[i] = scale.position(map[i]);
    }
    if (mapWidth != w || mapHeight != h) {
      for (int i = 0; i < map.length; i++) {
        int g = Math.round(position[i] * 255);
        pp[i] = g << 16 | g << 8 | g;
      }
      int[] resized = RgbConversion.pixels(PilResize.resize(pos, w, h));
      position = new float[w * h];
      for (int i = 0; i < position.length; i++) {
        position[i] = (resized[i] & 0xFF) / 255f;
      }
    }
    int[] src = RgbConversion.pixels(base);
    BufferedImage out = RgbConversion.newRgb(w, h);
    int[] dst = RgbConversion.pixels(out);
    ColorMap colors = style.colors();
    boolean signed = style.sign() == Sign.ALL;
    for (int i = 0; i < dst.length; i++) {
      float q = position[i];
      int p = src[i];
      dst[i] = switch (style.mode()) {
        case HEAT_MAP -> colors.rgb(q);
        case BLENDED_HEAT_MAP -> mix(grey(p), colors.rgb(q), style.opacity());
        case MASKED_IMAGE -> mix(0x000000, p, strength(q, signed));
        case ALPHA_SCALING -> mix(0xFFFFFF, p, strength(q, signed));
      };
    }
    return out;
  }

  /** How much of the pixel shows in the masked and alpha modes: q, or |2q - 1| on a signed scale. */
  private static float strength(float q, boolean signed) {
    return signed ? Math.abs(2 * q - 1) : q;
  }

  private static int grey(int p) {
    int y = (int) Math.round(0.299 * ((p >>> 16) & 0xFF) + 0.587 * ((p >>> 8) & 0xFF) + 0.114 * (p & 0xFF));
    return y << 16 | y << 8 | y;
  }

  /** (1 - t) a + t b per channel. */
  private static int mix(int a, int b, float t) {
    int wb = Math.round(t * 256);
    int wa = 256 - wb;
    int r = (((a >>> 16) & 0xFF) * wa + ((b >>> 16) & 0xFF) * wb + 128) >> 8;
    int g = (((a >>> 8) & 0xFF) * wa + ((b >>> 8) & 0xFF) * wb + 128) >> 8;
    int bl = ((a & 0xFF) * wa + (b & 0xFF) * wb + 128) >> 8;
    return r << 16 | g << 8 | bl;
  }

  /**
   * A horizontal colour bar of the given width: the colours from the scale's low to its high
   * end, and under it the real map values at both ends (and 0 in the middle of a signed scale),
   * with "≤"/"≥" where values beyond the end were clipped. Masked and alpha modes show what a
   * mid-grey pixel becomes.
   */
  public static BufferedImage colorBar(Style style, Scale scale, int width) {
    Font font = new Font(Font.SANS_SERIF, Font.PLAIN, BAR_FONT);
    BufferedImage scratch = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
    Graphics2D sg = scratch.createGraphics();
    FontMetrics fm = sg.getFontMetrics(font);
    sg.dispose();
    int height = 3 + BAR_HEIGHT + 2 + fm.getHeight();
    BufferedImage out = RgbConversion.newRgb(width, height);
    Graphics2D g = out.createGraphics();
    try {
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, width, height);
      boolean signed = style.sign() == Sign.ALL;
      for (int x = 0; x < width; x++) {
        float q = width == 1 ? 0.5f : x / (float) (width - 1);
        int c = switch (style.mode()) {
          case HEAT_MAP, BLENDED_HEAT_MAP -> style.colors().rgb(q);
          case MASKED_IMAGE -> mix(0x000000, 0x808080, strength(q, signed));
          case ALPHA_SCALING -> mix(0xFFFFFF, 0x808080, strength(q, signed));
        };
        g.setColor(new Color(c));
        g.drawLine(x, 3, x, 3 + BAR_HEIGHT - 1);
      }
      g.setColor(Color.GRAY);
      g.drawRect(0, 3, width - 1, BAR_HEIGHT - 1);
      g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setFont(font);
      g.setColor(Color.BLACK);
      int baseline = 3 + BAR_HEIGHT + 2 + fm.getAscent();
      String lo = (scale.clippedLow() ? "≤" : "") + format(scale.value(0));
      String hi = (scale.clippedHigh() ? "≥" : "") + format(scale.value(1));
      if (scale.sign() == Sign.NEGATIVE) {
        // the bar runs from 0 to the most negative value
        lo = format(scale.value(0));
        hi = (scale.clippedHigh() ? "≤" : "") + format(scale.value(1));
      }
      g.drawString(lo, 1, baseline);
      g.drawString(hi, width - 1 - fm.stringWidth(hi), baseline);
      if (scale.sign() == Sign.ALL) {
        String zero = "0";
        g.drawString(zero, (width - fm.stringWidth(zero)) / 2, baseline);
      }
    } finally {
      g.dispose();
    }
    return out;
  }

  /** A picture scaled up to at least {@code minSide} on its longer side, with its colour bar under it. */
  public static BufferedImage withColorBar(BufferedImage picture, Style style, Scale scale, int minSide) {
    BufferedImage shown = picture;
    int longer = Math.max(picture.getWidth(), picture.getHeight());
    if (minSide > 0 && longer < minSide) {
      double s = (double) minSide / longer;
      int w = (int) Math.round(picture.getWidth() * s);
      int h = (int) Math.round(picture.getHeight() * s);
      shown = RgbConversion.newRgb(w, h);
      Graphics2D g = shown.createGraphics();
      try {
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(picture, 0, 0, w, h, null);
      } finally {
        g.dispose();
      }
    }
    BufferedImage bar = colorBar(style, scale, shown.getWidth());
    BufferedImage out = RgbConversion.newRgb(shown.getWidth(), shown.getHeight() + bar.getHeight());
    Graphics2D g = out.createGraphics();
    try {
      g.drawImage(shown, 0, 0, null);
      g.drawImage(bar, 0, shown.getHeight(), null);
    } finally {
      g.dispose();
    }
    return out;
  }

  /** Compact real values for labels: 3 significant digits, 0 as "0". */
  static String format(double v) {
    if (v == 0) {
      return "0";
    }
    double a = Math.abs(v);
    if (a >= 1e-3 && a < 1e4) {
      String s = String.format(Locale.ROOT, "%.3g", v);
      if (s.contains(".") && !s.contains("e")) {
        s = s.replaceAll("0+$", "").replaceAll("\\.$", "");
      }
      return s;
    }
    return String.format(Locale.ROOT, "%.2e", v);
  }

  /** Positions of a map in [0,1] under a scale (what the colours are looked up with). */
  public static float[] positions(float[] map, Scale scale) {
    float[] out = new float[map.length];
    for (int i = 0; i < map.length; i++) {
      out[i] = scale.position(map[i]);
    }
    return out;
  }


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
