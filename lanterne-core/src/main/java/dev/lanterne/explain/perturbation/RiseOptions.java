package dev.lanterne.explain.perturbation;

/**
 * RISE's settings. Defaults ({@link #DEFAULTS}) are the paper's: 4000 masks of a 7x7 grid kept
 * with p = 0.5, multiplied into the image, weighted by the softmax probability.
 *
 * @param masks number of masks N; with untilStable, the most that will be used
 * @param grid cells per side s
 * @param p probability of keeping a cell
 * @param batch masked images per model call
 * @param seed the masks depend on (seed, mask index) only
 * @param score probability (paper) or logit
 * @param maskType mask family
 * @param fill what replaces masked pixels
 * @param blurSigma blur standard deviation in pixels for {@link Fill#BLUR}
 * @param untilStable stop once the map stops changing
 * @param tolerance untilStable's threshold on the relative L2 change of the min-max normalised map
 *     between checks. Adding m masks to n moves the running mean by about m/n of the new masks'
 *     deviation, so a run stops near n = checkEvery * noise / tolerance: noisier maps take more
 *     masks (measured: MobileNetV2 on rocket.jpg, 0.02 and every 100 stopped at 3700 masks)
 * @param checkEvery untilStable checks after every this many masks (a count, not a batch, so the
 *     stopping point does not depend on the batch size)
 */
public record RiseOptions(
    int masks,
    int grid,
    double p,
    int batch,
    long seed,
    ScoreKind score,
    MaskType maskType,
    Fill fill,
    double blurSigma,
    boolean untilStable,
    double tolerance,
    int checkEvery) {

  /**
   * The paper's settings: 4000 binary masks on a 7x7 grid, p 0.5, black fill, probability; 32 per call, seed
   * 0, a fixed number of masks.
   */
  public static final RiseOptions DEFAULTS = new RiseOptions(4000, 7, 0.5, 32, 0, ScoreKind.PROBABILITY,
      MaskType.BINARY, Fill.BLACK, 10, false, 0.02, 100);

  /** Consecutive checks below the tolerance before untilStable stops. */
  public static final int PATIENCE = 3;

  /**
   * Checks the values.
   *
   * @throws IllegalArgumentException when masks, grid, batch or checkEvery is below 1, p is outside (0, 1],
   *     the tolerance is not positive, or score, maskType or fill is null
   */
  public RiseOptions {
    if (masks < 1) {
      throw new IllegalArgumentException("the number of masks must be >= 1, got " + masks);
    }
    if (grid < 1) {
      throw new IllegalArgumentException("the grid size must be >= 1, got " + grid);
    }
    if (!(p > 0 && p <= 1)) {
      throw new IllegalArgumentException("p must be in (0, 1], got " + p);
    }
    if (batch < 1) {
      throw new IllegalArgumentException("the batch size must be >= 1, got " + batch);
    }
    if (!(tolerance > 0)) {
      throw new IllegalArgumentException("the tolerance must be positive, got " + tolerance);
    }
    if (checkEvery < 1) {
      throw new IllegalArgumentException("checkEvery must be >= 1, got " + checkEvery);
    }
    if (score == null || maskType == null || fill == null) {
      throw new IllegalArgumentException("score, mask type and fill are required");
    }
  }

  /** The same options with another number of masks. */
  public RiseOptions withMasks(int n) {
    return new RiseOptions(n, grid, p, batch, seed, score, maskType, fill, blurSigma, untilStable, tolerance,
        checkEvery);
  }

  /** The same options with another number of cells per side. */
  public RiseOptions withGrid(int s) {
    return new RiseOptions(masks, s, p, batch, seed, score, maskType, fill, blurSigma, untilStable, tolerance,
        checkEvery);
  }

  /** The same options with another keep probability, in (0, 1]. */
  public RiseOptions withP(double keep) {
    return new RiseOptions(masks, grid, keep, batch, seed, score, maskType, fill, blurSigma, untilStable, tolerance,
        checkEvery);
  }

  /** The same options with another number of masked images per model call. */
  public RiseOptions withBatch(int b) {
    return new RiseOptions(masks, grid, p, b, seed, score, maskType, fill, blurSigma, untilStable, tolerance,
        checkEvery);
  }

  /** The same options with another mask seed. */
  public RiseOptions withSeed(long s) {
    return new RiseOptions(masks, grid, p, batch, s, score, maskType, fill, blurSigma, untilStable, tolerance,
        checkEvery);
  }

  /** The same options with another score. */
  public RiseOptions withScore(ScoreKind k) {
    return new RiseOptions(masks, grid, p, batch, seed, k, maskType, fill, blurSigma, untilStable, tolerance,
        checkEvery);
  }

  /** The same options with another mask family. */
  public RiseOptions withMaskType(MaskType t) {
    return new RiseOptions(masks, grid, p, batch, seed, score, t, fill, blurSigma, untilStable, tolerance,
        checkEvery);
  }

  /** The same options with another fill. */
  public RiseOptions withFill(Fill f) {
    return new RiseOptions(masks, grid, p, batch, seed, score, maskType, f, blurSigma, untilStable, tolerance,
        checkEvery);
  }

  /** The same options with another blur standard deviation, in pixels. */
  public RiseOptions withBlurSigma(double sigma) {
    return new RiseOptions(masks, grid, p, batch, seed, score, maskType, fill, sigma, untilStable, tolerance,
        checkEvery);
  }

  /** Stop when the map changes by less than tol between checks, PATIENCE times in a row. */
  public RiseOptions withUntilStable(double tol, int every) {
    return new RiseOptions(masks, grid, p, batch, seed, score, maskType, fill, blurSigma, true, tol, every);
  }

  /** The mask generator these options describe, for images of height x width. */
  public MaskGenerator generator(int height, int width) {
    checkFits(height, width);
    return maskType.create(height, width, grid, p);
  }

  /**
   * Checks, before any work, that these options suit images of height x width: the grid may not be
   * finer than the image.
   *
   * @throws dev.lanterne.LanterneException (a usage error) when they do not
   */
  public void checkFits(int height, int width) {
    if (grid > Math.min(height, width)) {
      throw dev.lanterne.LanterneException.usage("a RISE grid of " + grid + "x" + grid + " cells is finer than the "
          + height + "x" + width + " input; use a grid of at most " + Math.min(height, width));
    }
  }
}
