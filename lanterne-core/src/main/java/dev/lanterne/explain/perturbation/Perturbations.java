package dev.lanterne.explain.perturbation;

import java.util.List;

import dev.lanterne.explain.Explanation;

import dev.lanterne.LanterneException;
import java.util.Map;

/** Checks and bookkeeping shared by the perturbation methods. */
final class Perturbations {
  private Perturbations() {}

  static void checkClasses(int[] classes, int numClasses) {
    if (classes.length == 0) {
      throw LanterneException.usage("class", "no class to explain; name one or more classes");
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

  /** One image in pixels [0,1] explained for its classes, as {@code Rise.explain} and {@code Occlusion.explain} do. */
  @FunctionalInterface
  interface PixelMethod {
    List<Explanation> explain(BlackBox model, float[] pixels, int[] classes, int image);
  }

  /**
   * The {@code attribute} call of a perturbation method: each image of the model's normalised batch is
   * turned back into pixels and explained through the model's classifier.
   */
  static List<Explanation> attributeEach(dev.lanterne.explain.LanternModel owner, String method,
      dev.lanterne.explain.Images images, int[][] classes, PixelMethod explain) {
    if (owner == null) {
      throw new IllegalStateException("this " + method + " was made without a model; use explain(BlackBox, ...)");
    }
    BlackBox box = BlackBox.of(owner.classifier(), owner.card(), owner.labels());
    List<Explanation> out = new java.util.ArrayList<>();
    for (int i = 0; i < images.size(); i++) {
      out.addAll(explain.explain(box, owner.pixels(images.tensor(i)), classes[i], i));
    }
    return out;
  }
}
