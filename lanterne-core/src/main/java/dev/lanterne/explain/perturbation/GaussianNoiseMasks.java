package dev.lanterne.explain.perturbation;

import java.util.SplittableRandom;

/**
 * Gaussian noise masks. By default at the grid scale, as the course's "bruit blanc gaussien" is
 * meant for RISE: an s x s grid of independent values p + sigma z (z standard normal), clipped to
 * [0,1], then upsampled bilinearly and cropped at a random shift exactly as the binary masks are
 * ({@link GridUpsampler}). Clipping happens on the grid, before the (convex) bilinear weights, so
 * every pixel's expected value is E[clip(p + sigma z, 0, 1)] ({@link #meanValue()}).
 *
 * <p>With {@code perPixel} the noise is drawn independently for every pixel instead (no grid):
 * pure white noise, whose RISE map is itself mostly noise at any practical mask count, since a
 * pixel's own value barely moves a classifier's score. Kept for comparison only.
 */
public final class GaussianNoiseMasks implements MaskGenerator {
  private final int size;
  private final int cells;
  private final double p;
  private final double sigma;
  private final double mean;
  private final GridUpsampler upsampler;

  /**
   * Grid-scale noise.
   *
   * @param cells grid cells per side s
   * @param p mean before clipping
   * @param sigma standard deviation before clipping
   */
  public GaussianNoiseMasks(int height, int width, int cells, double p, double sigma) {
    this(height, width, cells, p, sigma, false);
  }

  private GaussianNoiseMasks(int height, int width, int cells, double p, double sigma, boolean perPixel) {
    BinaryGridMasks.checkProbability(p);
    if (!(sigma > 0)) {
      throw new IllegalArgumentException("noise sigma must be positive, got " + sigma);
    }
    this.size = height * width;
    this.cells = cells;
    this.p = p;
    this.sigma = sigma;
    this.mean = clippedNormalMean(p, sigma);
    this.upsampler = perPixel ? null : new GridUpsampler(height, width, cells, cells);
  }

  /** Per-pixel white noise: every pixel independently clip(p + sigma z, 0, 1). */
  public static GaussianNoiseMasks perPixel(int height, int width, double p, double sigma) {
    return new GaussianNoiseMasks(height, width, 1, p, sigma, true);
  }

  @Override
  public void fill(long index, SplittableRandom rng, float[] out, int offset) {
    if (upsampler == null) {
      for (int i = 0; i < size; i++) {
        out[offset + i] = draw(rng);
      }
      return;
    }
    float[] grid = new float[cells * cells];
    for (int i = 0; i < grid.length; i++) {
      grid[i] = draw(rng);
    }
    int shiftY = rng.nextInt(upsampler.cellHeight());
    int shiftX = rng.nextInt(upsampler.cellWidth());
    upsampler.upsample(grid, shiftY, shiftX, out, offset);
  }

  private float draw(SplittableRandom rng) {
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
