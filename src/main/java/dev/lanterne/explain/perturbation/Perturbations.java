package dev.lanterne.explain.perturbation;

import dev.lanterne.LanterneException;
import java.util.Map;

/** Checks and bookkeeping shared by the perturbation methods. */
final class Perturbations {
  private Perturbations() {}

  static void checkClasses(int[] classes, int numClasses) {
    if (classes.length == 0) {
      throw LanterneException.usage("no class to explain; pass --class with one or more class indices");
    }
    for (int c : classes) {
      if (c < 0 || c >= numClasses) {
        throw LanterneException.usage("class " + c + " is out of range; the model has classes 0.." + (numClasses - 1));
      }
    }
  }

  /** Throughput and memory figures for explanations.json. */
  static void putTiming(Map<String, Object> details, MaskedBatchRunner.Result run, long accumulatorBytes) {
    details.put("seconds", run.seconds());
    details.put("modelSeconds", run.modelSeconds());
    details.put("drawSeconds", run.drawSeconds());
    details.put("accumulateSeconds", run.accumulateSeconds());
    details.put("imagesPerSecond", run.seconds() > 0 ? run.used() / run.seconds() : 0.0);
    details.put("workingBytes", run.bufferBytes() + accumulatorBytes);
  }
}
