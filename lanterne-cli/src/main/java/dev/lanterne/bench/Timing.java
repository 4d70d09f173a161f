package dev.lanterne.bench;

/** Wall-clock timing helpers for benchmarks: warm up, then take the median of repeated runs. */
public final class Timing {
  private Timing() {}

  /**
   * Calls to make before timing a session at a new input shape: ONNX Runtime plans and allocates its
   * memory in the first two runs (mobilenet_v3_small, fresh sessions: its forward at batch 16 took 101
   * and 91 ms, then 22 ms; its saliency graph at batch 1 34 and 36 ms, then 8 ms).
   */
  public static final int WARM_UP_CALLS = 2;

  /** Median seconds of one call of task, after warmup calls. */
  public static double median(int warmup, int repeats, Runnable task) {
    for (int i = 0; i < warmup; i++) {
      task.run();
    }
    double[] t = new double[repeats];
    for (int i = 0; i < repeats; i++) {
      t[i] = time(task);
    }
    return median(t);
  }

  /**
   * Median seconds of each task, timed in alternating order: every round runs them all, forwards in even
   * rounds and backwards in odd ones (a then b, then b then a, ...), so that none always runs right after
   * another.
   *
   * @return {{median of the first}, {median of the second}, ...}
   */
  public static double[][] alternating(int warmup, int rounds, Runnable... tasks) {
    for (int i = 0; i < warmup; i++) {
      for (Runnable t : tasks) {
        t.run();
      }
    }
    double[][] times = new double[tasks.length][rounds];
    for (int r = 0; r < rounds; r++) {
      for (int j = 0; j < tasks.length; j++) {
        int k = r % 2 == 0 ? j : tasks.length - 1 - j;
        times[k][r] = time(tasks[k]);
      }
    }
    double[][] out = new double[tasks.length][];
    for (int k = 0; k < tasks.length; k++) {
      out[k] = new double[] {median(times[k])};
    }
    return out;
  }

  private static double time(Runnable task) {
    long start = System.nanoTime();
    task.run();
    return (System.nanoTime() - start) / 1e9;
  }

  /** The median of the values (the mean of the middle two for an even count). */
  public static double median(double[] v) {
    double[] s = v.clone();
    java.util.Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : 0.5 * (s[s.length / 2 - 1] + s[s.length / 2]);
  }

  /** Peak used heap in MiB after a GC, as a rough memory figure. */
  public static double usedHeapMiB() {
    Runtime rt = Runtime.getRuntime();
    System.gc();
    return (rt.totalMemory() - rt.freeMemory()) / (1024.0 * 1024.0);
  }
}
