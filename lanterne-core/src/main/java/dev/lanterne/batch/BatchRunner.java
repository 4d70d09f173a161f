package dev.lanterne.batch;

import dev.lanterne.LanterneException;
import dev.lanterne.explain.LanternModel;
import dev.lanterne.tensor.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Explains and scores a whole image set on one machine: freezes the manifest (or checks the one in
 * the folder), explains every shard not yet done with one model and one instance of each method,
 * then joins the shards into {@code metrics.csv} and {@code errors.csv} and writes the summary.
 * A run that stops (error, kill) is continued by running it again with the same settings.
 *
 * <pre>{@code
 * try (LanternModel model = LanternModel.demo()) {
 *   BatchConfig config = BatchConfig.of("gradcam,rise", Settings.DEFAULTS.with("masks", "1000"));
 *   BatchRunner.Result r = BatchRunner.run(model, config, BatchInput.read(Path.of("images")), Path.of("out"),
 *       ShardWorker.Options.DEFAULTS);
 * }
 * }</pre>
 */
public final class BatchRunner {
  private BatchRunner() {}

  /**
   * What a run did.
   *
   * @param dir the run folder
   * @param images images in the manifest
   * @param computed images explained by this call (the rest were done before)
   * @param failed images with an error record, over the whole run
   * @param seconds wall time of this call
   */
  public record Result(Path dir, int images, int computed, int failed, double seconds) {
    /** Images explained per second by this call. */
    public double imagesPerSecond() {
      return seconds > 0 ? computed / seconds : 0;
    }
  }

  /** Runs (or resumes) a batch run in {@code dir} on an open model. */
  public static Result run(LanternModel model, BatchConfig config, List<BatchInput> inputs, Path dir,
      ShardWorker.Options options) {
    long t0 = System.nanoTime();
    BatchListener log = options.listener();
    BatchRun run = BatchRun.create(dir, model, config, inputs, Math.max(1, options.decodeThreads()));
    run.sweepTemporaryFiles();
    List<Integer> pending = run.pendingShards();
    int todo = 0;
    for (int s : pending) {
      todo += run.shardEnd(s) - run.shardStart(s) - records(run, s);
    }
    log.stage("manifest: " + run.manifest().size() + " images in " + run.shards() + " shards; " + todo
        + " to do, " + (run.shards() - pending.size()) + " shards already done");
    log.started(run.manifest().size(), todo);
    int computed = 0;
    if (!pending.isEmpty()) {
      try (ShardWorker worker = new ShardWorker(run, model, options)) {
        long w0 = System.nanoTime();
        for (int s : pending) {
          ShardWorker.ShardResult r = worker.process(s);
          computed += r.computed();
          double elapsed = (System.nanoTime() - w0) / 1e9;
          double rate = computed / Math.max(elapsed, 1e-9);
          int left = todo - computed;
          log.stage(String.format(Locale.ROOT, "%s done: %d images (%d failed), %.1f images/s, %s left",
              BatchRun.shardName(s), r.images(), r.failed(), rate, duration(rate > 0 ? left / rate : 0)));
        }
      }
    }
    int failed = consolidate(run);
    try {
      Files.deleteIfExists(dir.resolve("work"));
    } catch (IOException e) {
      // not empty: another process is still working on a shard
    }
    log.stage("wrote " + dir.resolve(BatchRun.METRICS) + " and " + dir.resolve(BatchRun.ERRORS) + " (" + failed
        + " failed)");
    Summary.write(run, model);
    log.stage("wrote " + dir.resolve(Summary.FILE));
    return new Result(dir, run.manifest().size(), computed, failed, (System.nanoTime() - t0) / 1e9);
  }

  /** Images of an unfinished shard whose group record is written already. */
  static int records(BatchRun run, int shard) {
    Path work = run.workDir(shard);
    int done = 0;
    for (int g = run.shardStart(shard); g < run.shardEnd(shard); g += run.config().batch()) {
      if (ShardWorker.hasRecord(work, g)) {
        done += Math.min(run.shardEnd(shard), g + run.config().batch()) - g;
      }
    }
    return done;
  }

  /**
   * Joins every shard's tables into metrics.csv and errors.csv (in image order, one header each);
   * returns the number of failed images. Needs every shard done.
   */
  public static int consolidate(BatchRun run) {
    StringBuilder metrics = new StringBuilder(String.join(",", ShardWorker.COLUMNS)).append('\n');
    StringBuilder errors = new StringBuilder(String.join(",", ShardWorker.ERROR_COLUMNS)).append('\n');
    int failed = 0;
    for (int s = 0; s < run.shards(); s++) {
      if (!run.isDone(s)) {
        throw new LanterneException(BatchRun.shardName(s) + " is not done; resume the run before joining tables");
      }
      metrics.append(withoutHeader(run.shardMetrics(s)));
      String e = withoutHeader(run.shardErrors(s));
      failed += (int) e.lines().filter(l -> !l.isBlank()).count();
      errors.append(e);
    }
    AtomicFiles.write(run.dir().resolve(BatchRun.METRICS), metrics.toString().getBytes(StandardCharsets.UTF_8));
    AtomicFiles.write(run.dir().resolve(BatchRun.ERRORS), errors.toString().getBytes(StandardCharsets.UTF_8));
    return failedImages(run);
  }

  /** Failed images over the whole run, from the done markers' counts. */
  static int failedImages(BatchRun run) {
    int failed = 0;
    for (int s = 0; s < run.shards(); s++) {
      try {
        failed += BatchRun.JSON.readTree(run.doneMarker(s).toFile()).path("failed").asInt();
      } catch (IOException e) {
        throw new LanterneException("cannot read " + run.doneMarker(s) + " (" + e.getMessage() + ")", e);
      }
    }
    return failed;
  }

  private static String withoutHeader(Path file) {
    try {
      String text = Files.readString(file, StandardCharsets.UTF_8);
      int nl = text.indexOf('\n');
      return nl < 0 ? "" : text.substring(nl + 1);
    } catch (IOException e) {
      throw new LanterneException("cannot read " + file + " (" + e.getMessage() + ")", e);
    }
  }

  /** "1h 02m", "3m 10s", "12s". */
  public static String duration(double seconds) {
    long s = Math.round(seconds);
    if (s >= 3600) {
      return String.format(Locale.ROOT, "%dh %02dm", s / 3600, (s % 3600) / 60);
    }
    if (s >= 60) {
      return String.format(Locale.ROOT, "%dm %02ds", s / 60, s % 60);
    }
    return s + "s";
  }
}
