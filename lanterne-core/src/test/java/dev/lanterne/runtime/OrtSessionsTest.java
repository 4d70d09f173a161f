package dev.lanterne.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanterne.testing.RandomArrays;
import dev.lanterne.testing.TinyModels;
import org.junit.jupiter.api.Test;

/**
 * Which sessions share the process-wide thread pool: CPU sessions at the default thread count (0 or
 * one per core); an explicit other count keeps a pool of its own. Both kinds, open at once, compute
 * a linear model's scores as computed here by hand.
 */
class OrtSessionsTest {
  private static final int CORES = Runtime.getRuntime().availableProcessors();

  @Test
  void defaultThreadCountsShareThePoolAndOtherCountsDoNot() {
    assertTrue(OrtSessions.usesSharedPool(RuntimeOptions.DEFAULT), "default options");
    assertTrue(OrtSessions.usesSharedPool(RuntimeOptions.DEFAULT.withThreads(CORES)), "one thread per core");
    assertFalse(OrtSessions.usesSharedPool(RuntimeOptions.DEFAULT.withThreads(CORES + 1)), "an explicit count");
    assertFalse(OrtSessions.usesSharedPool(RuntimeOptions.DEFAULT.withDevice(Device.CUDA)), "the CUDA device");
  }

  @Test
  void sessionsOnTheSharedPoolAndOnTheirOwnGiveTheSameScores() {
    int s = 5;
    int k = 4;
    float[] w = RandomArrays.uniform(k * 3 * s * s, 7);
    float[] b = RandomArrays.uniform(k, 8);
    float[] x = RandomArrays.uniform(3 * 3 * s * s, 9);
    byte[] model = TinyModels.linear(s, s, k, w, b).toByteArray();
    float[] expected = TinyModels.linearScores(s, s, k, w, b, x, 3);
    try (Classifier shared = Classifier.open(model, "shared", RuntimeOptions.DEFAULT);
        Classifier own = Classifier.open(model, "own", RuntimeOptions.DEFAULT.withThreads(CORES + 1))) {
      assertArrayEquals(expected, shared.run(x, 3), 1e-4f, "shared pool");
      assertArrayEquals(expected, own.run(x, 3), 1e-4f, "own pool");
    }
  }
}
