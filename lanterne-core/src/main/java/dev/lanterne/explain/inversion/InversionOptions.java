package dev.lanterne.explain.inversion;

/**
 * How an image is optimised towards a class: where it starts, which optimiser, and which
 * regularisers are switched on. Every regulariser can be switched off on its own, so runs with and
 * without it can be compared.
 *
 * @param start where the image starts (noise, gray or a given image)
 * @param noiseAmplitude for noise starts: half-width of the uniform noise, or the standard deviation
 *     of the Gaussian noise, in pixel units ([0,1]) around mid-gray 0.5
 * @param optimizer plain gradient ascent, with momentum, or Adam
 * @param learningRate step size in normalised input units
 * @param momentum momentum of {@link Optimizer#SGD} (0: plain gradient ascent)
 * @param steps number of optimisation steps
 * @param normalizeGradient divide each image's gradient by its mean absolute value before the update
 * @param blurEvery blur the image every k steps (0: never)
 * @param blurSigma standard deviation of the Gaussian blur in pixels
 * @param l2 L2 decay: each step also moves x by -lr * l2 * x
 * @param jitter random integer shift of up to this many pixels before each step, undone after (0: none)
 * @param scaleJitter random scaling by a factor in [1 - s, 1 + s] before each step (0: none)
 * @param rotateJitterDegrees random rotation by up to this many degrees before each step (0: none)
 * @param clip clip to the valid pixel range after each step
 * @param snapshotEvery keep a copy of the image every k steps for the progress strip (0: none)
 * @param seed seeds the start noise and the jitter; the same seed gives the same images
 * @param logProbability climb the class's log-probability instead of its pre-softmax score (see
 *     {@link ModelObjective}); for quantized models whose logits saturate
 */
public record InversionOptions(
    Start start,
    double noiseAmplitude,
    Optimizer optimizer,
    double learningRate,
    double momentum,
    int steps,
    boolean normalizeGradient,
    int blurEvery,
    double blurSigma,
    double l2,
    int jitter,
    double scaleJitter,
    double rotateJitterDegrees,
    boolean clip,
    int snapshotEvery,
    long seed,
    boolean logProbability) {

  /** Where the optimised image starts. */
  public enum Start {
    /** Uniform noise of half-width noiseAmplitude around mid-gray. */
    UNIFORM_NOISE,
    /** Gaussian noise of standard deviation noiseAmplitude around mid-gray. */
    GAUSSIAN_NOISE,
    /** Mid-gray, 0.5 in every channel. */
    GRAY,
    /** A given image. */
    IMAGE
  }

  /** The update rule; all ascend the objective. */
  public enum Optimizer {
    /** Gradient ascent, with momentum when {@link InversionOptions#momentum()} is above 0. */
    SGD,
    /** Adam (Kingma and Ba 2015). */
    ADAM
  }

  /**
   * Checks the values.
   *
   * @throws IllegalArgumentException when start or optimizer is null, a count is negative, or a rate,
   *     amplitude, sigma, decay, momentum or jitter is outside its range
   */
  public InversionOptions {
    if (start == null || optimizer == null) {
      throw new IllegalArgumentException("start and optimizer are required");
    }
    if (steps < 0 || blurEvery < 0 || jitter < 0 || snapshotEvery < 0) {
      throw new IllegalArgumentException("steps, blurEvery, jitter and snapshotEvery must not be negative");
    }
    if (!(learningRate >= 0) || !(noiseAmplitude >= 0) || !(blurSigma >= 0) || !(l2 >= 0)
        || !(momentum >= 0 && momentum < 1) || !(scaleJitter >= 0 && scaleJitter < 1)
        || !(rotateJitterDegrees >= 0)) {
      throw new IllegalArgumentException("learning rate, noise, sigma and l2 must be >= 0; momentum and"
          + " scale jitter in [0, 1); rotation >= 0");
    }
  }

  /**
   * Defaults for class-model inversion from noise: Adam, lr 0.1 on normalised gradients, 200 steps,
   * blur sigma 1.0 every 4 steps (Yosinski et al. 2015), jitter 2 px, clipping on.
   */
  public static InversionOptions defaults() {
    return new InversionOptions(Start.UNIFORM_NOISE, 0.1, Optimizer.ADAM, 0.1, 0.0, 200, true, 4, 1.0, 0.0, 2,
        0.0, 0.0, true, 20, 0L, false);
  }

  /**
   * Lucid's feature-visualisation defaults, for use with {@link FourierParameterization}: Adam with
   * learning rate 0.05 for 512 steps on raw gradients, no blur, decay or clipping (the sigmoid keeps
   * pixels valid), and Lucid's transformation robustness as the jitter can do it: random shifts of
   * up to 8 pixels, scaling by 0.9 to 1.1 and rotation by up to 10 degrees each step (Lucid's
   * constant 0.5 padding of 12 pixels and second 4-pixel jitter are not reproduced).
   */
  public static InversionOptions lucid() {
    return new InversionOptions(Start.GRAY, 0.0, Optimizer.ADAM, 0.05, 0.0, 512, false, 0, 1.0, 0.0, 8, 0.1, 10,
        false, 64, 0L, false);
  }

  /** No regularisation at all (no blur, decay, jitter or clipping): the images look like adversarial noise. */
  public InversionOptions unregularized() {
    return new InversionOptions(start, noiseAmplitude, optimizer, learningRate, momentum, steps, normalizeGradient, 0,
        blurSigma, 0.0, 0, 0.0, 0.0, false, snapshotEvery, seed, logProbability);
  }

  /** The same options with another start. */
  public InversionOptions withStart(Start s) {
    return new InversionOptions(s, noiseAmplitude, optimizer, learningRate, momentum, steps, normalizeGradient,
        blurEvery, blurSigma, l2, jitter, scaleJitter, rotateJitterDegrees, clip, snapshotEvery, seed, logProbability);
  }

  /** The same options with another start-noise amplitude, in pixel units. */
  public InversionOptions withNoiseAmplitude(double a) {
    return new InversionOptions(start, a, optimizer, learningRate, momentum, steps, normalizeGradient,
        blurEvery, blurSigma, l2, jitter, scaleJitter, rotateJitterDegrees, clip, snapshotEvery, seed, logProbability);
  }

  /** The same options with another optimiser, learning rate and momentum. */
  public InversionOptions withOptimizer(Optimizer o, double lr, double mom) {
    return new InversionOptions(start, noiseAmplitude, o, lr, mom, steps, normalizeGradient,
        blurEvery, blurSigma, l2, jitter, scaleJitter, rotateJitterDegrees, clip, snapshotEvery, seed, logProbability);
  }

  /** The same options with another number of steps. */
  public InversionOptions withSteps(int t) {
    return new InversionOptions(start, noiseAmplitude, optimizer, learningRate, momentum, t, normalizeGradient,
        blurEvery, blurSigma, l2, jitter, scaleJitter, rotateJitterDegrees, clip, snapshotEvery, seed, logProbability);
  }

  /** The same options, normalising each image's gradient or not. */
  public InversionOptions withNormalizeGradient(boolean on) {
    return new InversionOptions(start, noiseAmplitude, optimizer, learningRate, momentum, steps, on,
        blurEvery, blurSigma, l2, jitter, scaleJitter, rotateJitterDegrees, clip, snapshotEvery, seed, logProbability);
  }

  /** The same options blurring every {@code every} steps (0: never) with this sigma in pixels. */
  public InversionOptions withBlur(int every, double sigma) {
    return new InversionOptions(start, noiseAmplitude, optimizer, learningRate, momentum, steps, normalizeGradient,
        every, sigma, l2, jitter, scaleJitter, rotateJitterDegrees, clip, snapshotEvery, seed, logProbability);
  }

  /** The same options with another L2 decay. */
  public InversionOptions withL2(double decay) {
    return new InversionOptions(start, noiseAmplitude, optimizer, learningRate, momentum, steps, normalizeGradient,
        blurEvery, blurSigma, decay, jitter, scaleJitter, rotateJitterDegrees, clip, snapshotEvery, seed, logProbability);
  }

  /** The same options with other jitters: shift in pixels, scale fraction, rotation in degrees (0: none). */
  public InversionOptions withJitter(int pixels, double scale, double rotateDegrees) {
    return new InversionOptions(start, noiseAmplitude, optimizer, learningRate, momentum, steps, normalizeGradient,
        blurEvery, blurSigma, l2, pixels, scale, rotateDegrees, clip, snapshotEvery, seed, logProbability);
  }

  /** The same options, clipping to the pixel range or not. */
  public InversionOptions withClip(boolean on) {
    return new InversionOptions(start, noiseAmplitude, optimizer, learningRate, momentum, steps, normalizeGradient,
        blurEvery, blurSigma, l2, jitter, scaleJitter, rotateJitterDegrees, on, snapshotEvery, seed, logProbability);
  }

  /** The same options keeping a snapshot every k steps (0: none). */
  public InversionOptions withSnapshotEvery(int k) {
    return new InversionOptions(start, noiseAmplitude, optimizer, learningRate, momentum, steps, normalizeGradient,
        blurEvery, blurSigma, l2, jitter, scaleJitter, rotateJitterDegrees, clip, k, seed, logProbability);
  }

  /** The same options with another seed. */
  public InversionOptions withSeed(long s) {
    return new InversionOptions(start, noiseAmplitude, optimizer, learningRate, momentum, steps, normalizeGradient,
        blurEvery, blurSigma, l2, jitter, scaleJitter, rotateJitterDegrees, clip, snapshotEvery, s, logProbability);
  }

  /** The same options, climbing the log-probability or the raw score. */
  public InversionOptions withLogProbability(boolean on) {
    return new InversionOptions(start, noiseAmplitude, optimizer, learningRate, momentum, steps, normalizeGradient,
        blurEvery, blurSigma, l2, jitter, scaleJitter, rotateJitterDegrees, clip, snapshotEvery, seed, on);
  }

  /** Whether the image is blurred after step t (1-based): every blurEvery-th step. */
  public boolean blurAfter(int step) {
    return blurEvery > 0 && blurSigma > 0 && step % blurEvery == 0;
  }

  /** Whether the step needs a resampling transform (scaling or rotation), not just an integer shift. */
  public boolean affineJitter() {
    return scaleJitter > 0 || rotateJitterDegrees > 0;
  }
}
