package dev.lanterne.spark;

import dev.lanterne.batch.BatchRun;
import dev.lanterne.explain.LanternModel;
import dev.lanterne.runtime.Device;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * One model per executor JVM, opened lazily by the first task that needs it and shared by every later
 * task (a {@link LanternModel} is thread-safe), so derived graphs are compiled once per executor, not
 * once per partition. Closed when the executor exits.
 */
final class ExecutorModels {
  private static final Map<String, LanternModel> MODELS = new HashMap<>();
  private static boolean hooked;

  private ExecutorModels() {}

  /** The run's model on this executor, with the card and labels recorded in run.json. */
  static synchronized LanternModel get(BatchRun run, Path modelFile, int threads, Device device) {
    String key = run.modelSha256() + "|" + device + "|" + run.config().batch();
    LanternModel m = MODELS.get(key);
    if (m == null) {
      m = LanternModel.builder(modelFile).card(run.card()).labels(run.labels()).threads(threads).device(device)
          .batch(run.config().batch()).open();
      run.checkModel(m);
      MODELS.put(key, m);
      if (!hooked) {
        hooked = true;
        Runtime.getRuntime().addShutdownHook(new Thread(ExecutorModels::closeAll, "lanterne-close-models"));
      }
    }
    return m;
  }

  /** Models opened in this JVM so far (tests check there is one per executor). */
  static synchronized int opened() {
    return MODELS.size();
  }

  static synchronized void closeAll() {
    MODELS.values().forEach(LanternModel::close);
    MODELS.clear();
  }
}
