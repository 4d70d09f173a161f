package dev.lanterne.explain.perturbation;

import java.util.SplittableRandom;

/**
 * One random stream per mask, derived from (seed, mask index) alone, so a mask never depends on
 * the batch size, the thread that draws it, or the masks drawn before it.
 */
public final class MaskSeeds {
  private static final long GOLDEN = 0x9E3779B97F4A7C15L;

  private MaskSeeds() {}

  /**
   * The random stream of mask {@code index} under {@code seed}: the same pair always gives the same stream.
   */
  public static SplittableRandom forMask(long seed, long index) {
    return new SplittableRandom(mix64(mix64(seed) + GOLDEN * (index + 1)));
  }

  /** SplitMix64's finaliser: spreads nearby inputs over all 64 bits. */
  static long mix64(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
