package dev.lanterne.bench;

import static dev.lanterne.bench.Timing.WARM_UP_CALLS;

import dev.lanterne.LanterneException;
import dev.lanterne.batch.BatchConfig;
import dev.lanterne.batch.BatchInput;
import dev.lanterne.batch.BatchRunner;
import dev.lanterne.batch.DemoImages;
import dev.lanterne.batch.ShardWorker;
import dev.lanterne.batch.StageTimes;
import dev.lanterne.explain.Images;
import dev.lanterne.explain.LanternModel;
import dev.lanterne.explain.Settings;
import dev.lanterne.explain.Target;
import dev.lanterne.explain.gradient.GradCam;
import dev.lanterne.runtime.RuntimeOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What the batch machinery costs, on the demo model (or {@code --model}) and generated pictures: (1)
 * {@code lanterne batch} with Grad-CAM over N images against one library Grad-CAM call given the same N
 * image files that writes nothing, and against that call followed by writing its maps as the
 * {@code gradcam} command does (target 0.9);
 * (2) a batch run with RISE (1000 masks) against raw forward passes of as many masked images (target
 * 0.9); (3) heap and RSS after a run over 200 images and after one over 2000 (flat: within 10%). Rounds
 * alternate so that load from other processes hits both sides alike; medians.
 */
public final class BatchBenchmark {
  private BatchBenchmark() {}

  /**
   * Runs the benchmark with a model (its card next to it, if any, is used) on generated images, printing
   * to out.
   *
   * @param images images of the Grad-CAM comparison
   * @param riseImages images of the RISE comparison
   * @param memoryImages images of the second heap and RSS reading (the first is after 200, or after these
   *     if fewer)
   * @param rounds timed rounds of each comparison
   */
  public static void run(Path modelFile, RuntimeOptions runtime, int images, int riseImages,
      int memoryImages, int rounds, PrintStream out) {
    Path tmp;
    try {
      tmp = Files.createTempDirectory("lanterne-bench-batch");
    } catch (IOException e) {
      throw new LanterneException("cannot create a temporary folder (" + e.getMessage() + ")", e);
    }
    try (LanternModel model = LanternModel.builder(modelFile).runtime(runtime).batch(32).open()) {
      out.println("model " + modelFile.getFileName() + ", " + images + " generated images");
      run(model, tmp, images, riseImages, memoryImages, rounds, out);
    } finally {
      delete(tmp);
    }
  }

  static void run(LanternModel model, Path tmp, int images, int riseImages, int memoryImages, int rounds,
      PrintStream out) {
    Path manifest = DemoImages.write(tmp.resolve("images"), Math.max(images, Math.max(riseImages, memoryImages)), 1);
    List<BatchInput> all = BatchInput.read(manifest);
    List<BatchInput> set = all.subList(0, images);
    List<Path> files = set.stream().map(BatchInput::path).toList();
    GradCam gradcam = new GradCam(model);
    BatchConfig camConfig = BatchConfig.of("gradcam", Settings.DEFAULTS).withCurves(false, 0).withBatch(32);
    int[] n = {0};
    StageTimes directTimes = new StageTimes();
    StageTimes batchTimes = new StageTimes();
    List<Double> directCpu = new java.util.ArrayList<>();
    List<Double> batchCpu = new java.util.ArrayList<>();
    Runnable direct = () -> {
      long c0 = processCpuNanos();
      long t0 = System.nanoTime();
      Images im = model.load(files);
      directTimes.since("load images", t0);
      t0 = System.nanoTime();
      gradcam.attribute(im, Target.predicted());
      directTimes.since("gradcam (predicted class)", t0);
      directCpu.add((processCpuNanos() - c0) / 1e9);
    };
    Runnable batch = () -> {
      long c0 = processCpuNanos();
      BatchRunner.run(model, camConfig, set, tmp.resolve("cam-" + n[0]++),
          ShardWorker.Options.DEFAULTS.withTimes(batchTimes));
      batchCpu.add((processCpuNanos() - c0) / 1e9);
    };
    double[][] cam = Timing.alternating(WARM_UP_CALLS, rounds, direct, batch);
    double camRatio = cam[0][0] / cam[1][0];
    out.printf("Grad-CAM over %d images: one gradcam call %.1f img/s, lanterne batch %.1f img/s%n", images,
        images / cam[0][0], images / cam[1][0]);
    out.printf("  batch/gradcam throughput ratio %.3f (target >= 0.9): %s%n", camRatio, camRatio >= 0.9 ? "met" : "NOT met");
    // on a shared machine the wall-time ratio moves with other processes' load; CPU time per image does not
    double cpuDirect = medianAfterWarmUp(directCpu);
    double cpuBatch = medianAfterWarmUp(batchCpu);
    out.printf("  process CPU time per run (all threads, ONNX Runtime's included): gradcam %.3f s, batch %.3f s;"
        + " CPU throughput ratio %.3f (load average %.1f on %d cores)%n", cpuDirect, cpuBatch, cpuDirect / cpuBatch,
        java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
        Runtime.getRuntime().availableProcessors());
    // the gradcam command itself writes each map as the command does (.npy, overlay PNG with a colour
    // bar, explanations.json): the batch run's own outputs are cheaper (zlib chunks, no picture by default)
    int[] w = {0};
    Runnable command = () -> {
      Images im = model.load(files);
      dev.lanterne.explain.ExplanationWriter.save(tmp.resolve("command-" + w[0]++), im,
          gradcam.attribute(im, Target.predicted()));
    };
    // and the batch run writing overlays too (--png), the command's pictures' counterpart
    BatchConfig pngConfig = camConfig.withPng(true);
    Runnable batchPng = () -> BatchRunner.run(model, pngConfig, set, tmp.resolve("png-" + n[0]++),
        ShardWorker.Options.DEFAULTS);
    double[][] vsCommand = Timing.alternating(WARM_UP_CALLS, rounds, command, batch, batchPng);
    double commandRatio = vsCommand[0][0] / vsCommand[1][0];
    double pngRatio = vsCommand[0][0] / vsCommand[2][0];
    out.printf("  against the gradcam command's work (the same call, then its outputs written as the command writes"
        + " them: .npy, overlay PNG, explanations.json): %.1f img/s, batch %.1f img/s, ratio %.3f (target >= 0.9): %s;"
        + " batch with --png overlays %.1f img/s, ratio %.3f: %s%n",
        images / vsCommand[0][0], images / vsCommand[1][0], commandRatio, commandRatio >= 0.9 ? "met" : "NOT met",
        images / vsCommand[2][0], pngRatio, pngRatio >= 0.9 ? "met" : "NOT met");
    out.printf("  where the time went, summed over the %d runs of each (wall time per stage, threads overlap the"
        + " model thread; CPU time where it says so):%n", rounds + 1);
    out.print("  one gradcam call:\n" + directTimes.report("    "));
    out.print("  lanterne batch:\n" + batchTimes.report("    "));

    int masks = 1000;
    List<BatchInput> riseSet = all.subList(0, riseImages);
    BatchConfig riseConfig = BatchConfig.of("rise", Settings.of(Map.of("masks", Integer.toString(masks)), 0))
        .withCurves(false, 0).withBatch(32);
    int per = model.inputShape()[0] * model.inputShape()[1] * model.inputShape()[2];
    float[] x = model.load(files.subList(0, 1)).tensor();
    float[] batchInput = new float[32 * per];
    for (int i = 0; i < 32; i++) {
      System.arraycopy(x, 0, batchInput, i * per, per);
    }
    long masked = (long) masks * riseImages;
    int calls = (int) ((masked + 31) / 32);
    Runnable forward = () -> {
      for (int i = 0; i < calls; i++) {
        model.scores(batchInput, 32);
      }
    };
    Runnable rise = () -> BatchRunner.run(model, riseConfig, riseSet, tmp.resolve("rise-" + n[0]++),
        ShardWorker.Options.DEFAULTS);
    double[][] r = Timing.alternating(WARM_UP_CALLS, rounds, forward, rise);
    double riseRatio = r[0][0] / r[1][0];
    out.printf("RISE N=%d over %d images: raw forward %.0f img/s, lanterne batch %.0f masked img/s%n", masks,
        riseImages, calls * 32 / r[0][0], masked / r[1][0]);
    out.printf("  batch/forward throughput ratio %.3f (target >= 0.9): %s%n", riseRatio,
        riseRatio >= 0.9 ? "met" : "NOT met");

    // memory: a warm-up run, then runs over 200 and over 2000 images in the same JVM, measured after each
    List<BatchInput> memSet = all.subList(0, memoryImages);
    int mark = Math.min(200, memoryImages);
    BatchRunner.run(model, camConfig, memSet.subList(0, Math.min(50, mark)), tmp.resolve("memory-warm"),
        ShardWorker.Options.DEFAULTS);
    BatchRunner.run(model, camConfig, memSet.subList(0, mark), tmp.resolve("memory-small"),
        ShardWorker.Options.DEFAULTS);
    double heapSmall = Timing.usedHeapMiB();
    double rssSmall = rssMiB();
    BatchRunner.run(model, camConfig, memSet, tmp.resolve("memory-large"), ShardWorker.Options.DEFAULTS);
    double heapLarge = Timing.usedHeapMiB();
    double rssLarge = rssMiB();
    out.printf("memory (Grad-CAM runs, after a warm-up): after %d images heap %.1f MiB, RSS %.1f MiB; after %d images"
        + " heap %.1f MiB (%+.1f%%), RSS %.1f MiB (%+.1f%%) (target within 10%%)%n", mark, heapSmall, rssSmall,
        memoryImages, heapLarge, 100 * (heapLarge / heapSmall - 1), rssLarge, 100 * (rssLarge / rssSmall - 1));
  }

  private static double medianAfterWarmUp(List<Double> perRun) {
    List<Double> measured = perRun.size() > 1 ? perRun.subList(1, perRun.size()) : perRun;
    return Timing.median(measured.stream().mapToDouble(Double::doubleValue).toArray());
  }

  /** CPU time of this process so far, every thread (ONNX Runtime's own included), 0 where unknown. */
  static long processCpuNanos() {
    if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return Math.max(0, os.getProcessCpuTime());
    }
    return 0;
  }

  /** Resident set size of this process in MiB (Linux), NaN elsewhere. */
  static double rssMiB() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
        }
      }
    } catch (IOException | NumberFormatException e) {
      // not Linux
    }
    return Double.NaN;
  }

  private static void delete(Path dir) {
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      // temporary folder: best effort
    }
  }
}
