package dev.lanterne.explain.surrogate;

import dev.lanterne.explain.perturbation.Fill;
import dev.lanterne.explain.perturbation.ScoreKind;

/**
 * Settings shared by the segment methods ({@link Lime}, {@link KernelShap}, {@link FeatureAblation}):
 * how the image is cut into segments, what replaces a removed segment, which score is explained,
 * how many coalitions are sampled and how the surrogate is fitted. Immutable.
 *
 * @param slic the superpixel segmentation (scikit-image's defaults: 100 segments, compactness 10)
 * @param samples coalitions scored (LIME and KernelSHAP; feature ablation scores one per segment)
 * @param fill what replaces a removed segment, in pixel space
 * @param blurSigma blur standard deviation for {@link Fill#BLUR}
 * @param score probability or logit
 * @param kernelWidth LIME's exponential kernel width on the cosine distance (Captum: 1)
 * @param fit the surrogate's regression
 * @param seed seed of the sampled coalitions
 * @param batch perturbed images per model call
 */
public record SurrogateOptions(Slic slic, int samples, Fill fill, double blurSigma, ScoreKind score,
    double kernelWidth, WeightedLinearFit fit, long seed, int batch) {
  /**
   * LIME: 1000 samples (the lime package's image default; Captum's attribute() default of 50 leaves
   * 100 segments underdetermined), gray fill (Captum's zero baseline is the normalisation's mean,
   * about mid-gray), probability, kernel width 1 on the cosine distance of the model inputs
   * (Captum's), weighted ridge with alpha 1 (the lime package's surrogate; Captum defaults to a lasso
   * with alpha 0.01, available as {@code --surrogate lasso --alpha 0.01}).
   */
  public static final SurrogateOptions LIME = new SurrogateOptions(Slic.DEFAULTS, 1000, Fill.GRAY, 10,
      ScoreKind.PROBABILITY, 1.0, new WeightedLinearFit(WeightedLinearFit.Regularizer.RIDGE, 1.0), 0, 32);

  /** KernelSHAP: as LIME but Shapley-kernel sampling and plain weighted least squares (Captum's). */
  public static final SurrogateOptions KERNEL_SHAP = LIME.withFit(
      new WeightedLinearFit(WeightedLinearFit.Regularizer.NONE, 0));

  /** Feature ablation over the same segments (samples and fit unused). */
  public static final SurrogateOptions ABLATION = LIME;

  /**
   * Checks the values.
   *
   * @throws IllegalArgumentException when slic, fill, score or fit is null, samples is below 2, batch below
   *     1, or the kernel width is not positive
   */
  public SurrogateOptions {
    if (slic == null || fill == null || score == null || fit == null) {
      throw new IllegalArgumentException("slic, fill, score and fit are required");
    }
    if (samples < 2 || batch < 1 || !(kernelWidth > 0)) {
      throw new IllegalArgumentException("samples must be >= 2, batch >= 1 and the kernel width > 0");
    }
  }

  /** With another segmentation. */
  public SurrogateOptions withSlic(Slic s) {
    return new SurrogateOptions(s, samples, fill, blurSigma, score, kernelWidth, fit, seed, batch);
  }

  /** With another number of sampled coalitions. */
  public SurrogateOptions withSamples(int n) {
    return new SurrogateOptions(slic, n, fill, blurSigma, score, kernelWidth, fit, seed, batch);
  }

  /** With another fill. */
  public SurrogateOptions withFill(Fill f) {
    return new SurrogateOptions(slic, samples, f, blurSigma, score, kernelWidth, fit, seed, batch);
  }

  /** With another score. */
  public SurrogateOptions withScore(ScoreKind k) {
    return new SurrogateOptions(slic, samples, fill, blurSigma, k, kernelWidth, fit, seed, batch);
  }

  /** With another kernel width. */
  public SurrogateOptions withKernelWidth(double width) {
    return new SurrogateOptions(slic, samples, fill, blurSigma, score, width, fit, seed, batch);
  }

  /** With another regression. */
  public SurrogateOptions withFit(WeightedLinearFit f) {
    return new SurrogateOptions(slic, samples, fill, blurSigma, score, kernelWidth, f, seed, batch);
  }

  /** With another seed. */
  public SurrogateOptions withSeed(long s) {
    return new SurrogateOptions(slic, samples, fill, blurSigma, score, kernelWidth, fit, s, batch);
  }

  /** With another batch size. */
  public SurrogateOptions withBatch(int b) {
    return new SurrogateOptions(slic, samples, fill, blurSigma, score, kernelWidth, fit, seed, b);
  }
}
