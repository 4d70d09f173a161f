package dev.lanterne.spark;

import dev.lanterne.batch.BatchRun;
import dev.lanterne.batch.ShardWorker;
import dev.lanterne.explain.LanternModel;
import dev.lanterne.runtime.Device;
import java.nio.file.Path;
import java.util.Locale;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.Function;

/**
 * One Spark task: explains one shard of the run into the shared run folder, with the executor's
 * model (see {@link ExecutorModels}). RISE masks are drawn again from the seed in each task, never
 * shipped. Returns "shard,images,computed,failed,seconds".
 */
final class ShardTask implements Function<Integer, String> {
  private static final long serialVersionUID = 1L;
  private final String runDir;
  private final String modelFile;
  private final int decodeThreads;

  ShardTask(String runDir, String modelFile, int decodeThreads) {
    this.runDir = runDir;
    this.modelFile = modelFile;
    this.decodeThreads = decodeThreads;
  }

  @Override
  public String call(Integer shard) {
    BatchRun run = BatchRun.open(Path.of(runDir));
    LanternModel model = ExecutorModels.get(run, Path.of(modelFile), executorCores(), device());
    try (ShardWorker worker = new ShardWorker(run, model, ShardWorker.Options.DEFAULTS
        .withDecodeThreads(decodeThreads))) {
      ShardWorker.ShardResult r = worker.process(shard);
      return String.format(Locale.ROOT, "%d,%d,%d,%d,%.3f", r.shard(), r.images(), r.computed(), r.failed(),
          r.seconds());
    }
  }

  /** ONNX Runtime intra-op threads: the executor's cores (spark.executor.cores, else the machine's). */
  static int executorCores() {
    int cores = Runtime.getRuntime().availableProcessors();
    SparkEnv env = SparkEnv.get();
    return env == null ? cores : env.conf().getInt("spark.executor.cores", cores);
  }

  /** CUDA when Spark gave this task a GPU (spark.task.resource.gpu.amount), else the CPU. */
  static Device device() {
    TaskContext ctx = TaskContext.get();
    return ctx != null && ctx.resourcesJMap().containsKey("gpu") ? Device.CUDA : Device.CPU;
  }
}
