package dev.lanterne.image;

import dev.lanterne.LanterneException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Matplotlib's colour maps as 256-entry lookup tables: {@code gray}, {@code hot}, {@code jet} and
 * the diverging {@code seismic} and {@code bwr} from their piecewise-linear segment definitions
 * (sampled as matplotlib's LinearSegmentedColormap does), the perceptual {@code viridis} and
 * {@code inferno} from their published tables. A value v in [0,1] picks entry floor(v * 256), with
 * 1 mapping to the last entry, as matplotlib's {@code Colormap.__call__} does.
 *
 * <p>The diverging maps are for signed attributions: their centre (v = 0.5, a zero attribution
 * on a symmetric scale) is white, blue below and red above.
 */
public enum ColorMap {
  /** Black to white. */
  GRAY(segments(new double[][] {{0, 0}, {1, 1}}, new double[][] {{0, 0}, {1, 1}},
      new double[][] {{0, 0}, {1, 1}})),
  /** Black, red, yellow, white (matplotlib's {@code hot}). */
  HOT(segments(
      new double[][] {{0, 0.0416}, {0.365079, 1}, {1, 1}},
      new double[][] {{0, 0}, {0.365079, 0}, {0.746032, 1}, {1, 1}},
      new double[][] {{0, 0}, {0.746032, 0}, {1, 1}})),
  /** Dark blue, cyan, yellow, dark red (matplotlib's {@code jet}); not perceptually uniform. */
  JET(segments(
      new double[][] {{0, 0}, {0.35, 0}, {0.66, 1}, {0.89, 1}, {1, 0.5}},
      new double[][] {{0, 0}, {0.125, 0}, {0.375, 1}, {0.64, 1}, {0.91, 0}, {1, 0}},
      new double[][] {{0, 0.5}, {0.11, 1}, {0.34, 1}, {0.65, 0}, {1, 0}})),
  /** Dark purple, blue, green, yellow; perceptually uniform (matplotlib's {@code viridis}). */
  VIRIDIS(table("viridis.txt")),
  /** Black, purple, orange, pale yellow; perceptually uniform (matplotlib's {@code inferno}). */
  INFERNO(table("inferno.txt")),
  /** Dark blue, blue, white, red, dark red at 0, 1/4, 1/2, 3/4, 1 (matplotlib's _seismic_data). */
  SEISMIC(segments(
      new double[][] {{0, 0}, {0.25, 0}, {0.5, 1}, {0.75, 1}, {1, 0.5}},
      new double[][] {{0, 0}, {0.25, 0}, {0.5, 1}, {0.75, 0}, {1, 0}},
      new double[][] {{0, 0.3}, {0.25, 1}, {0.5, 1}, {0.75, 0}, {1, 0}})),
  /** Blue, white, red at 0, 1/2, 1 (matplotlib's _bwr_data). */
  BWR(segments(
      new double[][] {{0, 0}, {0.5, 1}, {1, 1}},
      new double[][] {{0, 0}, {0.5, 1}, {1, 0}},
      new double[][] {{0, 1}, {0.5, 1}, {1, 0}}));

  /** Entries of every lookup table. */
  public static final int SIZE = 256;

  private final double[][] rgb;
  private final int[] packed;

  ColorMap(double[][] rgb) {
    this.rgb = rgb;
    this.packed = new int[SIZE];
    for (int i = 0; i < SIZE; i++) {
      packed[i] = toByte(rgb[i][0]) << 16 | toByte(rgb[i][1]) << 8 | toByte(rgb[i][2]);
    }
  }

  /** Whether this map is diverging (white centre), meant for signed maps on a symmetric scale. */
  public boolean diverging() {
    return this == SEISMIC || this == BWR;
  }

  /** The colour map with this name (gray, hot, jet, viridis, inferno, seismic, bwr; any case). */
  public static ColorMap parse(String name) {
    for (ColorMap m : values()) {
      if (m.name().equalsIgnoreCase(name.trim())) {
        return m;
      }
    }
    throw LanterneException.usage("unknown colour map '" + name + "'; use one of "
        + Arrays.stream(values()).map(ColorMap::id).collect(Collectors.joining(", ")));
  }

  /** Lower-case name, as the command line and JSON spell it. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The lookup-table index of a value in [0,1]; out-of-range values clip, NaN maps to 0. */
  public static int index(float v) {
    if (!(v > 0)) {
      return 0;
    }
    return Math.min(SIZE - 1, (int) (v * SIZE));
  }

  /** The colour of a value in [0,1] as packed 0xRRGGBB. */
  public int rgb(float v) {
    return packed[index(v)];
  }

  /** The colour of a value in [0,1] as matplotlib's floats {r, g, b} in [0,1]. */
  public double[] rgbFloats(float v) {
    return rgb[index(v)].clone();
  }

  private static int toByte(double f) {
    return (int) Math.round(Math.max(0, Math.min(1, f)) * 255);
  }

  /** Samples red, green and blue segment lists {{x, y}, ...} at i / 255 as LinearSegmentedColormap(N=256). */
  private static double[][] segments(double[][] red, double[][] green, double[][] blue) {
    double[][] lut = new double[SIZE][3];
    double[][][] channels = {red, green, blue};
    for (int c = 0; c < 3; c++) {
      double[][] seg = channels[c];
      for (int i = 0; i < SIZE; i++) {
        double x = i / (double) (SIZE - 1);
        int j = 1;
        while (j < seg.length - 1 && seg[j][0] < x) {
          j++;
        }
        double x0 = seg[j - 1][0];
        double x1 = seg[j][0];
        double t = x1 > x0 ? (x - x0) / (x1 - x0) : 1;
        lut[i][c] = Math.max(0, Math.min(1, seg[j - 1][1] + t * (seg[j][1] - seg[j - 1][1])));
      }
    }
    return lut;
  }

  private static double[][] table(String resource) {
    try (InputStream in = ColorMap.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing colour map resource " + resource);
      }
      BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
      double[][] lut = reader.lines().filter(l -> !l.isBlank() && !l.startsWith("#"))
          .map(l -> Arrays.stream(l.trim().split("\\s+")).mapToDouble(Double::parseDouble).toArray())
          .toArray(double[][]::new);
      if (lut.length != SIZE) {
        throw new IllegalStateException(resource + " has " + lut.length + " entries, expected " + SIZE);
      }
      return lut;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
