package dev.lanterne.explain.perturbation;

import java.util.SplittableRandom;

/** Gaussian white noise: every pixel independently p + sigma * z, clipped to [0,1]. */
public final class GaussianNoiseMasks implements MaskGenerator {
  private final int size;
  private final double p;
  private final double sigma;
  private final double mean;

  public GaussianNoiseMasks(int height, int width, double p, double sigma) {
    BinaryGridMasks.checkProbability(p);
    if (!(sigma > 0)) {
      throw new IllegalArgumentException("noise sigma must be positive, got " + sigma);
    }
    this.size = height * width;
    this.p = p;
    this.sigma = sigma;
    this.mean = clippedNormalMean(p, sigma);
  }

  @Override
  public void fill(long index, SplittableRandom rng, float[] out, int offset) {
    for (int i = 0; i < size; i++) {
      double v = p + sigma * gaussian(rng);
      out[offset + i] = (float) Math.min(1.0, Math.max(0.0, v));
    }
  }

  /** Box-Muller from the mask's own stream (SplittableRandom has no nextGaussian in Java 17). */
  private static double gaussian(SplittableRandom rng) {
    double u = 1.0 - rng.nextDouble();
    double v = rng.nextDouble();
    return Math.sqrt(-2.0 * Math.log(u)) * Math.cos(2 * Math.PI * v);
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
