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
  public static final OcclusionOptions DEFAULTS = new OcclusionOptions(16, 8, 32, Fill.GRAY, 10,
      ScoreKind.PROBABILITY);

  public OcclusionOptions {
    if (window < 1 || stride < 1 || batch < 1) {
      throw new IllegalArgumentException("window, stride and batch must be >= 1");
    }
    if (fill == null || score == null) {
      throw new IllegalArgumentException("fill and score are required");
    }
  }

  public OcclusionOptions withWindow(int size, int step) {
    return new OcclusionOptions(size, step, batch, fill, blurSigma, score);
  }

  public OcclusionOptions withBatch(int b) {
    return new OcclusionOptions(window, stride, b, fill, blurSigma, score);
  }

  public OcclusionOptions withFill(Fill f) {
    return new OcclusionOptions(window, stride, batch, f, blurSigma, score);
  }

  public OcclusionOptions withScore(ScoreKind k) {
    return new OcclusionOptions(window, stride, batch, fill, blurSigma, k);
  }
}
