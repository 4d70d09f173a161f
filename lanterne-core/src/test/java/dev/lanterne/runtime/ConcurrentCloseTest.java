package dev.lanterne.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanterne.testing.TinyModels;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Issue 13 (3): closing a session owner while other threads run it used to crash the JVM inside
 * ONNX Runtime (SIGSEGV), and a second close threw. Now close waits for the runs in progress, later
 * runs fail with a clear exception, and close is idempotent.
 */
class ConcurrentCloseTest {
  private static final int S = 48;
  private static final int K = 64;

  @Test
  void closingAClassifierWhileThreadsRunItIsSafe() throws Exception {
    float[] w = new float[K * 3 * S * S];
    for (int i = 0; i < w.length; i++) {
      w[i] = (i % 13) * 0.001f;
    }
    Classifier c = Classifier.open(TinyModels.linear(S, S, K, w, new float[K]).toByteArray(), "linear",
        RuntimeOptions.DEFAULT.withThreads(1));
    int n = 256;
    float[] x = new float[n * 3 * S * S];
    java.util.Arrays.fill(x, 0.5f);
    float[] expected = c.run(x, n);
    AtomicInteger completed = new AtomicInteger();
    AtomicInteger refused = new AtomicInteger();
    AtomicReference<Throwable> other = new AtomicReference<>();
    CountDownLatch started = new CountDownLatch(4);
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      Thread th = new Thread(() -> {
        started.countDown();
        for (int i = 0; i < 100_000; i++) {
          try {
            float[] y = c.run(x, n);
            if (y[0] != expected[0]) {
              throw new AssertionError("a run during close returned " + y[0] + ", not " + expected[0]);
            }
            completed.incrementAndGet();
          } catch (IllegalStateException e) {
            if (!e.getMessage().contains("is closed")) {
              other.set(e);
            }
            refused.incrementAndGet();
            return;
          } catch (Throwable e) {
            other.set(e);
            return;
          }
        }
      });
      th.start();
      threads.add(th);
    }
    started.await();
    Thread.sleep(100);
    c.close();
    c.close();
    for (Thread th : threads) {
      th.join(30_000);
    }
    assertNull(other.get());
    assertEquals(4, refused.get(), "every thread's next run after close fails cleanly");
    assertTrue(completed.get() > 0);
    assertThrows(IllegalStateException.class, () -> c.run(x, n));
  }

  @Test
  void derivedGraphSessionsCloseOnceAndRefuseLaterRuns() {
    float[] w = new float[2 * 3 * 8 * 8];
    java.util.Arrays.fill(w, 0.01f);
    var graphs = dev.lanterne.grad.GradientCompiler.compile(TinyModels.linear(8, 8, 2, w, new float[2]),
        dev.lanterne.grad.GradientOptions.DEFAULT);
    dev.lanterne.grad.SaliencySession s = new dev.lanterne.grad.SaliencySession(graphs.saliency(), RuntimeOptions.DEFAULT);
    float[] x = new float[3 * 8 * 8];
    float[] seed = {1, 0};
    s.gradient(x, 1, seed);
    s.close();
    s.close();
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> s.gradient(x, 1, seed));
    assertTrue(e.getMessage().contains("closed"), e.getMessage());
  }
}
