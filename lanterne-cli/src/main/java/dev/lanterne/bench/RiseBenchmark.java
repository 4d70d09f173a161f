package dev.lanterne.bench;

import dev.lanterne.explain.Explanation;
import dev.lanterne.explain.perturbation.BlackBox;
import dev.lanterne.explain.perturbation.Rise;
import dev.lanterne.explain.perturbation.RiseOptions;
import dev.lanterne.image.Normalization;
import dev.lanterne.model.Labels;
import dev.lanterne.runtime.Classifier;
import dev.lanterne.runtime.RuntimeOptions;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * RISE throughput against plain forward passes of the same model, batch size and threads (how much
 * of the model's speed RISE keeps; the target is 0.95), and peak heap against the number of masks.
 */
public final class RiseBenchmark {
  private static final int ROUNDS = 5;

  private RiseBenchmark() {}

  /**
   * For each model: masked images per second of a RISE run of the given masks, plain forward images
   * per second over as many images, and their ratio; the rounds alternate so that load from other
   * processes hits both alike. Medians over the rounds.
   */
  public static void run(List<Path> models, int masks, int batch, RuntimeOptions options, PrintStream out) {
    out.printf("%-30s %5s %6s %13s %13s %7s %11s %14s %13s%n", "model", "batch", "masks", "forward img/s",
        "RISE img/s", "ratio", "model share", "draw ms/mask", "acc ms/mask");
    for (Path model : models) {
      try (Classifier c = Classifier.open(model, options)) {
        BlackBox box = box(c);
        float[] pixels = randomImage(c.inputShape(), 1);
        float[] batchInput = box.normalization().apply(repeat(randomImage(c.inputShape(), 2), batch));
        RiseOptions ro = RiseOptions.DEFAULTS.withBatch(batch).withMasks(masks);
        new Rise(ro.withMasks(2 * batch)).explain(box, pixels, new int[] {0});
        c.run(batchInput, batch);
        int calls = (masks + batch - 1) / batch;
        double[] fwd = new double[ROUNDS];
        double[] rise = new double[ROUNDS];
        double[] ratio = new double[ROUNDS];
        double[] share = new double[ROUNDS];
        double[] draw = new double[ROUNDS];
        double[] acc = new double[ROUNDS];
        for (int r = 0; r < ROUNDS; r++) {
          long t0 = System.nanoTime();
          for (int i = 0; i < calls; i++) {
            c.run(batchInput, batch);
          }
          fwd[r] = (double) calls * batch / ((System.nanoTime() - t0) / 1e9);
          long t1 = System.nanoTime();
          Explanation e = new Rise(ro.withSeed(r)).explain(box, pixels, new int[] {0}).get(0);
          double seconds = (System.nanoTime() - t1) / 1e9;
          rise[r] = masks / seconds;
          ratio[r] = rise[r] / fwd[r];
          share[r] = seconds(e, "modelSeconds") / seconds;
          draw[r] = 1000 * seconds(e, "drawSeconds") / masks;
          acc[r] = 1000 * seconds(e, "accumulateSeconds") / masks;
        }
        out.printf("%-30s %5d %6d %13.1f %13.1f %7.3f %11.3f %14.3f %13.3f%n", model.getFileName()
            + (c.batched() ? "" : " (1 by 1)"), batch, masks, Timing.median(fwd), Timing.median(rise),
            Timing.median(ratio), Timing.median(share), Timing.median(draw), Timing.median(acc));
      }
    }
  }

  /**
   * Peak heap (all heap pools, after a GC, reset before each run) of RISE runs with different numbers
   * of masks on one model, with the working bytes RISE reports (batch buffers and running sums).
   */
  public static void heap(Path model, int batch, RuntimeOptions options, PrintStream out, int... maskCounts) {
    out.printf("%-30s %6s %14s %14s %9s%n", "model", "masks", "peak heap MiB", "working MiB", "seconds");
    try (Classifier c = Classifier.open(model, options)) {
      BlackBox box = box(c);
      float[] pixels = randomImage(c.inputShape(), 1);
      for (int n : maskCounts) {
        System.gc();
        List<MemoryPoolMXBean> pools = heapPools();
        pools.forEach(MemoryPoolMXBean::resetPeakUsage);
        long t0 = System.nanoTime();
        Explanation e = new Rise(RiseOptions.DEFAULTS.withBatch(batch).withMasks(n)).explain(box, pixels,
            new int[] {0}).get(0);
        double seconds = (System.nanoTime() - t0) / 1e9;
        long peak = 0;
        for (MemoryPoolMXBean p : pools) {
          peak += p.getPeakUsage().getUsed();
        }
        out.printf("%-30s %6d %14.1f %14.1f %9.1f%n", model.getFileName(), n, peak / 1048576.0,
            ((Number) e.details().get("workingBytes")).longValue() / 1048576.0, seconds);
      }
    }
  }

  private static double seconds(Explanation e, String key) {
    return ((Number) e.details().get(key)).doubleValue();
  }

  private static List<MemoryPoolMXBean> heapPools() {
    List<MemoryPoolMXBean> pools = new ArrayList<>();
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      if (p.getType() == MemoryType.HEAP) {
        pools.add(p);
      }
    }
    return pools;
  }

  /** Inception normalisation; the figures do not depend on it. */
  private static BlackBox box(Classifier c) {
    float[] half = new float[c.inputShape()[0]];
    Arrays.fill(half, 0.5f);
    return new BlackBox(c, new Normalization(half, half), Labels.none(), false);
  }

  private static float[] randomImage(int[] chw, long seed) {
    float[] x = new float[chw[0] * chw[1] * chw[2]];
    SplittableRandom r = new SplittableRandom(seed);
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) r.nextDouble();
    }
    return x;
  }

  private static float[] repeat(float[] x, int n) {
    float[] out = new float[x.length * n];
    for (int i = 0; i < n; i++) {
      System.arraycopy(x, 0, out, i * x.length, x.length);
    }
    return out;
  }

  /**
   * Runs both benchmarks on the shared models: {@code RiseBenchmark [SHARED_DIR [MASKS [BATCH [THREADS]]]]}.
   */
  public static void main(String[] args) {
    Path shared = Path.of(args.length > 0 ? args[0] : "../shared").resolve("models");
    int masks = args.length > 1 ? Integer.parseInt(args[1]) : 512;
    int batch = args.length > 2 ? Integer.parseInt(args[2]) : 32;
    int threads = args.length > 3 ? Integer.parseInt(args[3]) : 0;
    RuntimeOptions options = RuntimeOptions.DEFAULT.withThreads(threads).withMaxBatch(batch);
    run(List.of(shared.resolve("mobilenetv2-1.0-224-qdq.onnx"), shared.resolve("torchvision/resnet18.onnx")), masks,
        batch, options, System.out);
    heap(shared.resolve("mobilenetv1-0.25-128.onnx"), batch, options, System.out, 500, 8000);
  }
}
