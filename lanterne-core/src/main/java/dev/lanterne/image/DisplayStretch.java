package dev.lanterne.image;

import java.awt.image.BufferedImage;
import java.util.Locale;

/**
 * A per-image percentile contrast stretch for display: the {@code low} and {@code high}
 * percentiles of all channel values of the picture become 0 and 255, values beyond them saturate.
 * Class-model inversions and dreams live in a narrow band around the mean colour, so drawn as
 * they are they look like flat grey; stretched, their structure shows. The stretch changes only
 * what is displayed (say so in the caption: {@link Stretched#caption()}), never the image the
 * model scored.
 */
public final class DisplayStretch {
  /** The usual stretch: the 1st and 99th percentiles. */
  public static final double LOW = 1;
  /** The usual stretch: the 1st and 99th percentiles. */
  public static final double HIGH = 99;

  private DisplayStretch() {}

  /**
   * A stretched picture with the 8-bit values that became black and white.
   *
   * @param image the stretched picture
   * @param low channel value (0-255) shown as 0
   * @param high channel value (0-255) shown as 255
   * @param lowPercent the percentile that defined low
   * @param highPercent the percentile that defined high
   */
  public record Stretched(BufferedImage image, int low, int high, double lowPercent, double highPercent) {
    /** "display: 1-99% stretch [79, 176]", for a caption. */
    public String caption() {
      return String.format(Locale.ROOT, "display: %s-%s%% stretch [%d, %d]", pct(lowPercent), pct(highPercent), low,
          high);
    }

    private static String pct(double p) {
      return p == Math.rint(p) ? String.valueOf((long) p) : String.valueOf(p);
    }
  }

  /** The 1-99% stretch. */
  public static Stretched percentile(BufferedImage image) {
    return percentile(image, LOW, HIGH);
  }

  /**
   * Stretches the picture between two percentiles of its channel values (all channels pooled,
   * so colours keep their balance). A picture whose percentiles coincide is returned unchanged.
   */
  public static Stretched percentile(BufferedImage image, double lowPercent, double highPercent) {
    if (!(lowPercent >= 0 && lowPercent < highPercent && highPercent <= 100)) {
      throw new IllegalArgumentException("percentiles must satisfy 0 <= low < high <= 100, got " + lowPercent
          + " and " + highPercent);
    }
    BufferedImage rgb = RgbConversion.toRgb(image);
    int[] px = RgbConversion.pixels(rgb);
    long[] hist = new long[256];
    for (int p : px) {
      hist[(p >>> 16) & 0xFF]++;
      hist[(p >>> 8) & 0xFF]++;
      hist[p & 0xFF]++;
    }
    long total = 3L * px.length;
    int lo = quantile(hist, total, lowPercent);
    int hi = quantile(hist, total, highPercent);
    BufferedImage out = RgbConversion.newRgb(rgb.getWidth(), rgb.getHeight());
    int[] dst = RgbConversion.pixels(out);
    if (hi <= lo) {
      System.arraycopy(px, 0, dst, 0, px.length);
      return new Stretched(out, lo, hi, lowPercent, highPercent);
    }
    int[] lut = new int[256];
    for (int v = 0; v < 256; v++) {
      lut[v] = (int) Math.max(0, Math.min(255, Math.round((v - lo) * 255.0 / (hi - lo))));
    }
    for (int i = 0; i < px.length; i++) {
      int p = px[i];
      dst[i] = lut[(p >>> 16) & 0xFF] << 16 | lut[(p >>> 8) & 0xFF] << 8 | lut[p & 0xFF];
    }
    return new Stretched(out, lo, hi, lowPercent, highPercent);
  }

  /** The smallest value v with at least pct% of the values at or below v (nearest rank). */
  static int quantile(long[] hist, long total, double pct) {
    long rank = Math.max(1, (long) Math.ceil(pct / 100.0 * total));
    long seen = 0;
    for (int v = 0; v < 256; v++) {
      seen += hist[v];
      if (seen >= rank) {
        return v;
      }
    }
    return 255;
  }
}
