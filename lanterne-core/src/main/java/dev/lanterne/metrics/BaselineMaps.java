package dev.lanterne.metrics;

import java.util.SplittableRandom;

/**
 * Maps that know nothing of the model, as yardsticks: a faithful method must beat them on deletion
 * and insertion, and a method that scores like {@link #edges} in the sanity check is an edge detector.
 */
public final class BaselineMaps {
  private BaselineMaps() {}

  /** Uniform noise in [0, 1), the same for the same seed. */
  public static float[] random(int height, int width, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    float[] m = new float[height * width];
    for (int i = 0; i < m.length; i++) {
      m[i] = (float) rnd.nextDouble();
    }
    return m;
  }

  /** A Gaussian bump at the centre with sigma a quarter of the shorter side (photographers' bias). */
  public static float[] center(int height, int width) {
    float[] m = new float[height * width];
    double s = Math.min(height, width) / 4.0;
    double cy = (height - 1) / 2.0;
    double cx = (width - 1) / 2.0;
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        double d2 = (y - cy) * (y - cy) + (x - cx) * (x - cx);
        m[y * width + x] = (float) Math.exp(-d2 / (2 * s * s));
      }
    }
    return m;
  }

  /** Gradient magnitude of the image (central differences, summed over channels; border 0). */
  public static float[] edges(float[] chw, int channels, int height, int width) {
    int plane = height * width;
    float[] m = new float[plane];
    for (int y = 1; y < height - 1; y++) {
      for (int x = 1; x < width - 1; x++) {
        double dx = 0;
        double dy = 0;
        for (int c = 0; c < channels; c++) {
          int o = c * plane + y * width + x;
          dx += chw[o + 1] - chw[o - 1];
          dy += chw[o + width] - chw[o - width];
        }
        m[y * width + x] = (float) Math.hypot(dx, dy);
      }
    }
    return m;
  }
}
