package dev.lanterne.explain.perturbation;

import java.util.SplittableRandom;

/**
 * Gaussian noise masks. By default at the grid scale, as the course's "bruit blanc gaussien" is
 * meant for RISE: an s x s grid of independent values p + sigma z (z standard normal), clipped to
 * [0,1], then upsampled bilinearly and cropped at a random shift exactly as the binary masks are
 * ({@link GridUpsampler}). Clipping happens on the grid, before the (convex) bilinear weights, so
 * every pixel's expected value is E[clip(p + sigma z, 0, 1)] ({@link #meanValue()}).
 *
 * <p>{@link #perPixel} draws the noise independently for every pixel instead (no grid): pure white
 * noise, whose RISE map is itself mostly noise at any practical mask count, since a pixel's own value
 * barely moves a classifier's score. Kept for comparison only.
 */
public final class GaussianNoiseMasks extends UpsampledMasks {
  private final int cells;
  private final double p;
  private final double sigma;
  private final double mean;

  /**
   * Grid-scale noise.
   *
   * @param cells grid cells per side s
   * @param p mean before clipping
   * @param sigma standard deviation before clipping
   */
  public GaussianNoiseMasks(int height, int width, int cells, double p, double sigma) {
    super(height, width, cells, cells);
    checkNoise(p, sigma);
    this.cells = cells;
    this.p = p;
    this.sigma = sigma;
    this.mean = clippedNormalMean(p, sigma);
  }

  private static void checkNoise(double p, double sigma) {
    BinaryGridMasks.checkProbability(p);
    if (!(sigma > 0)) {
      throw new IllegalArgumentException("noise sigma must be positive, got " + sigma);
    }
  }

  /** Per-pixel white noise: every pixel independently clip(p + sigma z, 0, 1). */
  public static MaskGenerator perPixel(int height, int width, double p, double sigma) {
    checkNoise(p, sigma);
    int size = height * width;
    double mean = clippedNormalMean(p, sigma);
    return new MaskGenerator() {
      @Override
      public void fill(long index, SplittableRandom rng, float[] out, int offset) {
        for (int i = 0; i < size; i++) {
          out[offset + i] = draw(rng, p, sigma);
        }
      }

      @Override
      public double meanValue() {
        return mean;
      }
    };
  }

  @Override
  public int fillLines(long index, SplittableRandom rng, float[][] lines) {
    float[] grid = new float[cells * cells];
    for (int i = 0; i < grid.length; i++) {
      grid[i] = draw(rng, p, sigma);
    }
    int shiftY = rng.nextInt(upsampler.cellHeight());
    int shiftX = rng.nextInt(upsampler.cellWidth());
    upsampler.lines(grid, shiftX, lines);
    return shiftY;
  }

  private static float draw(SplittableRandom rng, double p, double sigma) {
    return (float) Math.min(1.0, Math.max(0.0, p + sigma * rng.nextGaussian()));
  }

  /** Clipping moves the mean off p; E[clip(p + sigma z, 0, 1)] by Simpson's rule over z. */
  static double clippedNormalMean(double p, double sigma) {
    int n = 4000;
    double a = -10;
    double h = 20.0 / n;
    double sum = 0;
    for (int i = 0; i <= n; i++) {
      double z = a + i * h;
      double f = Math.min(1, Math.max(0, p + sigma * z)) * Math.exp(-0.5 * z * z);
      sum += (i == 0 || i == n ? 1 : i % 2 == 1 ? 4 : 2) * f;
    }
    return sum * h / 3 / Math.sqrt(2 * Math.PI);
  }

  @Override
  public double meanValue() {
    return mean;
  }
}
