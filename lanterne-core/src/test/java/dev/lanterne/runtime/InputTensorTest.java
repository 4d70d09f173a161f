package dev.lanterne.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lanterne.testing.RandomArrays;
import dev.lanterne.testing.TinyModels;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Inputs through pooled direct buffers and caller's direct buffers: on a linear classifier the scores
 * are W x + b, computed here by hand, for every row of a chunked batch, for a buffer read from an
 * offset, and for threads that run at the same time (no two calls share a pooled buffer).
 */
class InputTensorTest {
  private static final int S = 6;
  private static final int K = 5;
  private static final int D = 3 * S * S;

  private final float[] w = RandomArrays.uniform(K * D, 1);
  private final float[] b = RandomArrays.uniform(K, 2);

  private float[] byHand(float[] x, int n) {
    return TinyModels.linearScores(S, S, K, w, b, x, n);
  }

  private Classifier open(int maxBatch) {
    return Classifier.open(TinyModels.linear(S, S, K, w, b).toByteArray(), "linear",
        RuntimeOptions.DEFAULT.withThreads(1).withMaxBatch(maxBatch));
  }

  @Test
  void chunkedArraysAndDirectBuffersGiveTheHandComputedScores() {
    int n = 5;
    float[] x = RandomArrays.uniform(n * D, 3);
    float[] expected = byHand(x, n);
    try (Classifier c = open(2)) {
      assertArrayEquals(expected, c.run(x, n), 1e-4f, "array, chunks of 2, 2 and 1");
      // the images start 7 values into the buffer
      FloatBuffer direct = ByteBuffer.allocateDirect((7 + n * D) * Float.BYTES).order(ByteOrder.nativeOrder())
          .asFloatBuffer();
      direct.position(7);
      direct.put(x);
      direct.position(7);
      assertArrayEquals(expected, c.run(direct, n), 1e-4f, "direct buffer from an offset");
      assertEquals(7, direct.position(), "the caller's buffer is not moved");
      IllegalArgumentException heap = assertThrows(IllegalArgumentException.class,
          () -> c.run(FloatBuffer.wrap(x), n));
      assertEquals("the input buffer must be direct and in native byte order", heap.getMessage());
    }
  }

  @Test
  void concurrentCallsDoNotShareAPooledBuffer() throws Exception {
    try (Classifier c = open(64)) {
      AtomicReference<Throwable> failure = new AtomicReference<>();
      List<Thread> threads = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        long seed = 10 + t;
        // sizes differ per thread, so a larger pooled buffer also serves a smaller call
        int n = 1 + t * 3;
        threads.add(new Thread(() -> {
          float[] x = RandomArrays.uniform(n * D, seed);
          float[] expected = byHand(x, n);
          for (int i = 0; i < 200 && failure.get() == null; i++) {
            float[] got = c.run(x, n);
            for (int j = 0; j < got.length; j++) {
              if (Math.abs(got[j] - expected[j]) > 1e-4f) {
                failure.compareAndSet(null, new AssertionError("thread " + seed + " call " + i + " value " + j));
              }
            }
          }
        }));
      }
      threads.forEach(Thread::start);
      for (Thread th : threads) {
        th.join();
      }
      if (failure.get() != null) {
        throw new AssertionError(failure.get());
      }
    }
  }
}
