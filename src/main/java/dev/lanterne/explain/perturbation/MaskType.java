package dev.lanterne.explain.perturbation;

import dev.lanterne.LanterneException;
import java.util.Locale;

/** The built-in mask families, by the names the CLI takes. */
public enum MaskType {
  /** The paper's smoothed binary grids. */
  BINARY,
  VERTICAL_STRIPES,
  HORIZONTAL_STRIPES,
  /** Checkerboards at random offsets. */
  GRID,
  /** Gaussian white noise of standard deviation {@link #NOISE_SIGMA} around p. */
  NOISE;

  public static final double NOISE_SIGMA = 0.25;

  /**
   * A generator of this family for images of height x width.
   *
   * @param cells grid size s (cells, stripes or checkerboard squares per side)
   * @param p keep probability (unused by checkerboards)
   */
  public MaskGenerator create(int height, int width, int cells, double p) {
    return switch (this) {
      case BINARY -> new BinaryGridMasks(height, width, cells, p);
      case VERTICAL_STRIPES -> new StripeMasks(height, width, cells, p, true);
      case HORIZONTAL_STRIPES -> new StripeMasks(height, width, cells, p, false);
      case GRID -> new CheckerboardMasks(height, width, cells);
      case NOISE -> new GaussianNoiseMasks(height, width, p, NOISE_SIGMA);
    };
  }

  public String cliName() {
    return switch (this) {
      case BINARY -> "binary";
      case VERTICAL_STRIPES -> "stripes";
      case HORIZONTAL_STRIPES -> "hstripes";
      case GRID -> "grid";
      case NOISE -> "noise";
    };
  }

  public static MaskType parse(String s) {
    for (MaskType t : values()) {
      if (t.cliName().equals(s.toLowerCase(Locale.ROOT))) {
        return t;
      }
    }
    if (s.equalsIgnoreCase("vstripes")) {
      return VERTICAL_STRIPES;
    }
    throw LanterneException.usage("unknown --mask-type '" + s
        + "'; use binary, stripes (vertical), hstripes (horizontal), grid (checkerboard) or noise");
  }
}
