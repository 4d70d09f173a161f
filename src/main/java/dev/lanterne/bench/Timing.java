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
      long start = System.nanoTime();
      task.run();
      t[i] = (System.nanoTime() - start) / 1e9;
    }
    java.util.Arrays.sort(t);
    return repeats % 2 == 1 ? t[repeats / 2] : 0.5 * (t[repeats / 2 - 1] + t[repeats / 2]);
  }

  /** Peak used heap in MiB after a GC, as a rough memory figure. */
  public static double usedHeapMiB() {
    Runtime rt = Runtime.getRuntime();
    System.gc();
    return (rt.totalMemory() - rt.freeMemory()) / (1024.0 * 1024.0);
  }
}
