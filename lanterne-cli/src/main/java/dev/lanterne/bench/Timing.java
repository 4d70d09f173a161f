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

  /**
   * Most warm-up rounds made while the process still touches new memory (see {@link #warmUp}): the
   * fresh JVM heap of mobilenet_v3_small's batch-16 saliency calls settles after about 7 calls.
   */
  static final int MAX_WARM_UP_ROUNDS = 30;

  /** A warm-up round that faults in fewer pages than this (1 MiB) counts as settled. */
  static final long SETTLED_PAGE_FAULTS = 256;

  /**
   * Runs every task at least min times, then more rounds while the last one still faulted in new pages
   * (Linux; elsewhere min rounds only). A fresh JVM hands each large result array memory it has not
   * touched before until its heap has grown and been reused once: on this project's 2-core machine
   * about 12 us per 4 KiB page, so a 9.6 MB gradient cost 25-30 ms more per call (mobilenet_v3_small,
   * batch 16: 94-102 ms for the first calls, 67-70 ms from the eighth on). A timing that stops there
   * measures the JVM's start, not the method.
   *
   * @param min rounds to make at least; 0 asks for no warm-up at all (a timing of long single runs)
   * @return the rounds made
   */
  static int warmUp(int min, Runnable... tasks) {
    if (min == 0) {
      return 0;
    }
    int rounds = 0;
    long faults = minorPageFaults();
    while (rounds < MAX_WARM_UP_ROUNDS) {
      for (Runnable t : tasks) {
        t.run();
      }
      rounds++;
      long now = minorPageFaults();
      boolean settled = faults < 0 || now - faults < SETTLED_PAGE_FAULTS;
      faults = now;
      if (rounds >= min && settled) {
        break;
      }
    }
    return rounds;
  }

  /** The process's minor page faults so far (field 10 of /proc/self/stat), or -1 where unknown. */
  static long minorPageFaults() {
    try {
      String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/self/stat"));
      // the command name (field 2) is in brackets and may hold spaces: count fields after it
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(f[7]);
    } catch (java.io.IOException | RuntimeException e) {
      return -1;
    }
  }

  /** Median seconds of one call of task, after at least warmup calls (see {@link #warmUp}). */
  public static double median(int warmup, int repeats, Runnable task) {
    warmUp(warmup, task);
    double[] t = new double[repeats];
    for (int i = 0; i < repeats; i++) {
      t[i] = time(task);
    }
    return median(t);
  }

  /**
   * Median seconds of each task after at least warmup rounds (see {@link #warmUp}), timed in alternating
   * order: every round runs them all, forwards in even rounds and backwards in odd ones (a then b, then b
   * then a, ...), so that none always runs right after another.
   *
   * @return {{median of the first}, {median of the second}, ...}
   */
  public static double[][] alternating(int warmup, int rounds, Runnable... tasks) {
    warmUp(warmup, tasks);
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
