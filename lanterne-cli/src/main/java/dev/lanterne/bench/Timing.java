package dev.lanterne.bench;

/** Wall-clock timing helpers for benchmarks: warm up, then take the median of repeated runs. */
public final class Timing {
  private Timing() {}

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
   * Median seconds of tasks a and b timed in alternating order (a then b, then b then a, ...), so
   * that neither always runs right after the other.
   *
   * @return {{median of a}, {median of b}}
   */
  public static double[][] alternating(int warmup, int rounds, Runnable a, Runnable b) {
    for (int i = 0; i < warmup; i++) {
      a.run();
      b.run();
    }
    double[] ta = new double[rounds];
    double[] tb = new double[rounds];
    for (int r = 0; r < rounds; r++) {
      if (r % 2 == 0) {
        ta[r] = time(a);
        tb[r] = time(b);
      } else {
        tb[r] = time(b);
        ta[r] = time(a);
      }
    }
    return new double[][] {{median(ta)}, {median(tb)}};
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
