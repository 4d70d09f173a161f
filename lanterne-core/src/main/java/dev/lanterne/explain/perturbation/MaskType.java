package dev.lanterne.explain.perturbation;

import dev.lanterne.LanterneException;
import java.util.Locale;

/** The built-in mask families, by the names the CLI takes. */
public enum MaskType {
  /** The paper's smoothed binary grids. */
  BINARY,
  /** s vertical bands (columns), smoothed and shifted like the binary grids ({@link StripeMasks}). */
  VERTICAL_STRIPES,
  /** s horizontal bands (rows), smoothed and shifted like the binary grids ({@link StripeMasks}). */
  HORIZONTAL_STRIPES,
  /**
   * Hard-edged s x s cells, each kept with probability p, at a random phase per mask
   * ({@link RandomCellMasks}): the binary family without the smoothing.
   */
  GRID,
  /**
   * Gaussian noise of standard deviation {@link #NOISE_SIGMA} around p on the s x s grid, upsampled
   * like the binary masks ({@link GaussianNoiseMasks}).
   */
  NOISE,
  /** Per-pixel Gaussian white noise (no grid): kept for comparison, its map is mostly noise. */
  PIXEL_NOISE;

  /** Standard deviation of the {@link #NOISE} family's cell values. */
  public static final double NOISE_SIGMA = 0.25;

  /**
   * A generator of this family for images of height x width.
   *
   * @param cells grid size s (cells or stripes per side)
   * @param p keep probability (the mean before clipping for the noise families)
   */
  public MaskGenerator create(int height, int width, int cells, double p) {
    return switch (this) {
      case BINARY -> new BinaryGridMasks(height, width, cells, p);
      case VERTICAL_STRIPES -> new StripeMasks(height, width, cells, p, true);
      case HORIZONTAL_STRIPES -> new StripeMasks(height, width, cells, p, false);
      case GRID -> new RandomCellMasks(height, width, cells, p);
      case NOISE -> new GaussianNoiseMasks(height, width, cells, p, NOISE_SIGMA);
      case PIXEL_NOISE -> GaussianNoiseMasks.perPixel(height, width, p, NOISE_SIGMA);
    };
  }

  /** The name the command line takes. */
  public String cliName() {
    return switch (this) {
      case BINARY -> "binary";
      case VERTICAL_STRIPES -> "stripes";
      case HORIZONTAL_STRIPES -> "hstripes";
      case GRID -> "grid";
      case NOISE -> "noise";
      case PIXEL_NOISE -> "pixel-noise";
    };
  }

  /** The family of a command-line name (binary, stripes, hstripes, grid, noise, pixel-noise). */
  public static MaskType parse(String s) {
    for (MaskType t : values()) {
      if (t.cliName().equals(s.toLowerCase(Locale.ROOT))) {
        return t;
      }
    }
    if (s.equalsIgnoreCase("vstripes")) {
      return VERTICAL_STRIPES;
    }
    throw LanterneException.usage("mask-type", "unknown mask type '" + s
        + "'; use binary, stripes (vertical), hstripes (horizontal), grid (hard cells), noise (grid-scale Gaussian) or pixel-noise");
  }
}
