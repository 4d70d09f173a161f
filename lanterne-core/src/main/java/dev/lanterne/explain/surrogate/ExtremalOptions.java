package dev.lanterne.explain.surrogate;

/**
 * Extremal perturbation's settings, TorchRay's defaults ({@code extremal_perturbation}): one area,
 * the preserve variant, 800 iterations of SGD with learning rate 0.1 and momentum (and dampening)
 * 0.9, masks smoothed with step 7 and sigma 21 (TorchRay's values for 224-pixel inputs), softmax
 * pooling coldness 20, area penalty weight 300 growing by 1.0035 each iteration, horizontal flip
 * on even iterations (jitter), blur perturbation with sigma 20 (TorchRay's max_blur).
 *
 * @param area the fraction of the (margin-padded) mask that should be on
 * @param iterations optimisation steps
 * @param learningRate SGD learning rate
 * @param momentum SGD momentum, also used as dampening as TorchRay does
 * @param step pixels between mask parameters
 * @param sigma smoothing radius of the mask in pixels
 * @param coldness softmax-pooling coldness
 * @param areaWeight initial weight of the area penalty
 * @param areaGrowth its growth per iteration
 * @param blurSigma the blur that replaces what the mask removes (a single blur level rather than
 *     TorchRay's 8-level pyramid: the perturbed input is m x + (1 - m) blur(x))
 * @param jitter flip the perturbed image horizontally on even iterations
 */
public record ExtremalOptions(double area, int iterations, double learningRate, double momentum, int step,
    double sigma, double coldness, double areaWeight, double areaGrowth, double blurSigma, boolean jitter) {
  /** TorchRay's defaults. */
  public static final ExtremalOptions DEFAULTS = new ExtremalOptions(0.1, 800, 0.1, 0.9, 7, 21, 20, 300, 1.0035,
      20, true);

  /**
   * Checks the values.
   *
   * @throws IllegalArgumentException when area is outside (0,1), iterations or step is below 1, or the
   *     learning rate or sigma is not positive
   */
  public ExtremalOptions {
    if (!(area > 0 && area < 1) || iterations < 1 || !(learningRate > 0) || step < 1 || !(sigma > 0)) {
      throw new IllegalArgumentException("extremal perturbation needs 0 < area < 1, iterations >= 1, "
          + "a positive learning rate, step >= 1 and sigma > 0");
    }
  }

  /** With another area. */
  public ExtremalOptions withArea(double a) {
    return new ExtremalOptions(a, iterations, learningRate, momentum, step, sigma, coldness, areaWeight, areaGrowth,
        blurSigma, jitter);
  }

  /** With another number of iterations. */
  public ExtremalOptions withIterations(int n) {
    return new ExtremalOptions(area, n, learningRate, momentum, step, sigma, coldness, areaWeight, areaGrowth,
        blurSigma, jitter);
  }

  /** With another mask smoothness. */
  public ExtremalOptions withSmoothing(int s, double sig) {
    return new ExtremalOptions(area, iterations, learningRate, momentum, s, sig, coldness, areaWeight, areaGrowth,
        blurSigma, jitter);
  }

  /** With another blur. */
  public ExtremalOptions withBlurSigma(double b) {
    return new ExtremalOptions(area, iterations, learningRate, momentum, step, sigma, coldness, areaWeight,
        areaGrowth, b, jitter);
  }
}
