package dev.lanterne.explain.perturbation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class CachedMasksTest {
  @Test
  void cachedMasksAreTheGeneratorsMasksBitForBit() {
    MaskGenerator g = RiseOptions.DEFAULTS.generator(32, 24);
    CachedMasks c = new CachedMasks(g, 99, 50, 32, 24);
    assertEquals(50, c.count());
    float[] expected = new float[32 * 24];
    float[] actual = new float[32 * 24];
    for (long i : new long[] {0, 7, 49, 50, 51, 300}) {
      g.fill(i, MaskSeeds.forMask(99, i), expected, 0);
      c.fill(i, MaskSeeds.forMask(99, i), actual, 0);
      assertArrayEquals(expected, actual, "mask " + i);
    }
    assertEquals(g.meanValue(), c.meanValue());
  }

  @Test
  void theCacheStopsAtItsMemoryLimit() {
    int side = 512;
    long fit = CachedMasks.MAX_BYTES / Float.BYTES / (side * side);
    CachedMasks c = new CachedMasks((index, rng, out, offset) -> { }, 0, fit + 10, side, side);
    assertEquals(fit, c.count());
  }
}
