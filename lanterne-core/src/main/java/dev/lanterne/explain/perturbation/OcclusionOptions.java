package dev.lanterne.explain.perturbation;

/**
 * Occlusion's settings: a window x window square slid with the given stride (plus a last position
 * flush with the far edge, so every pixel is covered), replaced by the fill.
 *
 * @param window side of the occluding square in pixels
 * @param stride step between window positions
 * @param batch occluded images per model call
 * @param fill what replaces the occluded pixels
 * @param blurSigma blur standard deviation for {@link Fill#BLUR}
 * @param score probability or logit
 */
public record OcclusionOptions(int window, int stride, int batch, Fill fill, double blurSigma, ScoreKind score) {
  /** 16-pixel windows every 8 pixels, 32 images per call, gray fill, blur sigma 10, probability. */
  public static final OcclusionOptions DEFAULTS = new OcclusionOptions(16, 8, 32, Fill.GRAY, 10,
      ScoreKind.PROBABILITY);

  /**
   * Checks the values.
   *
   * @throws IllegalArgumentException when window, stride or batch is below 1, or fill or score is null
   */
  public OcclusionOptions {
    if (window < 1 || stride < 1 || batch < 1) {
      throw new IllegalArgumentException("window, stride and batch must be >= 1");
    }
    if (fill == null || score == null) {
      throw new IllegalArgumentException("fill and score are required");
    }
  }

  /** The same options with another window side and stride, in pixels. */
  public OcclusionOptions withWindow(int size, int step) {
    return new OcclusionOptions(size, step, batch, fill, blurSigma, score);
  }

  /** The same options with another number of images per model call. */
  public OcclusionOptions withBatch(int b) {
    return new OcclusionOptions(window, stride, b, fill, blurSigma, score);
  }

  /** The same options with another fill. */
  public OcclusionOptions withFill(Fill f) {
    return new OcclusionOptions(window, stride, batch, f, blurSigma, score);
  }

  /** The same options with another score. */
  public OcclusionOptions withScore(ScoreKind k) {
    return new OcclusionOptions(window, stride, batch, fill, blurSigma, k);
  }
}
