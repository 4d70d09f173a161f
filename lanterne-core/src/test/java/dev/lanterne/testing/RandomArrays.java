package dev.lanterne.testing;

import java.util.SplittableRandom;

/** Reproducible test inputs. */
public final class RandomArrays {
  private RandomArrays() {}

  /** size values drawn uniformly from [-1, 1) by a generator seeded with seed. */
  public static float[] uniform(int size, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] x = new float[size];
    for (int i = 0; i < size; i++) {
      x[i] = (float) r.nextDouble(-1, 1);
    }
    return x;
  }
}
