package dev.lanterne.explain.perturbation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
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

  /** Each cached mask is drawn once, however many threads ask for it, and always equals the generator's. */
  @Test
  void aMaskIsDrawnOnceAndKeptAcrossThreads() throws Exception {
    MaskGenerator g = RiseOptions.DEFAULTS.generator(20, 20);
    AtomicInteger draws = new AtomicInteger();
    MaskGenerator counting = new MaskGenerator() {
      @Override
      public void fill(long index, SplittableRandom rng, float[] out, int offset) {
        draws.incrementAndGet();
        g.fill(index, rng, out, offset);
      }

      @Override
      public double meanValue() {
        return g.meanValue();
      }
    };
    CachedMasks c = new CachedMasks(counting, 5, 40, 20, 20);
    List<Thread> threads = new ArrayList<>();
    AtomicReference<AssertionError> failure = new AtomicReference<>();
    for (int t = 0; t < 4; t++) {
      threads.add(new Thread(() -> {
        float[] expected = new float[400];
        float[] actual = new float[400];
        for (int round = 0; round < 3; round++) {
          for (long i = 0; i < 45; i++) {
            g.fill(i, MaskSeeds.forMask(5, i), expected, 0);
            c.fill(i, MaskSeeds.forMask(5, i), actual, 0);
            if (!Arrays.equals(expected, actual)) {
              failure.compareAndSet(null, new AssertionError("mask " + i + " differs"));
            }
          }
        }
      }));
    }
    threads.forEach(Thread::start);
    for (Thread t : threads) {
      t.join();
    }
    if (failure.get() != null) {
      throw failure.get();
    }
    int afterThreads = draws.get();
    // 40 cached masks drawn at least once (twice at most where two threads met), 5 uncached ones 12 times
    assertTrue(afterThreads >= 40 + 5 * 12 && afterThreads <= 4 * 40 + 5 * 12, "draws " + afterThreads);
    float[] out = new float[400];
    for (long i = 0; i < 40; i++) {
      c.fill(i, MaskSeeds.forMask(5, i), out, 0);
    }
    assertEquals(afterThreads, draws.get(), "cached masks are not drawn again");
  }

  @Test
  void theCacheStopsAtItsMemoryLimit() {
    int side = 512;
    long fit = CachedMasks.MAX_BYTES / Float.BYTES / (side * side);
    CachedMasks c = new CachedMasks((index, rng, out, offset) -> { }, 0, fit + 10, side, side);
    assertEquals(fit, c.count());
  }
}
