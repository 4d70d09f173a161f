package dev.lanterne.methods;

import dev.lanterne.explain.Attribution;
import dev.lanterne.explain.LanternModel;
import dev.lanterne.explain.Setting;
import dev.lanterne.explain.Settings;
import java.util.List;

/**
 * A method known by name: what the CLI's {@code --methods}, the lab, the batch runner and the Spark
 * job use to open it from text settings.
 *
 * @param name the word used in --methods and in file names
 * @param family "gradient", "cam", "perturbation" or "baseline"
 * @param summary one line for the help
 * @param settings the options it reads (defaults and ranges from the method's own option record)
 * @param factory opens the method on a model
 */
public record MethodInfo(String name, String family, String summary, List<Setting<?>> settings, Factory factory) {
  /** Copies the settings list. */
  public MethodInfo {
    settings = List.copyOf(settings);
  }

  /** Opens a method on a model with settings (checked by {@link Settings#get}). */
  @FunctionalInterface
  public interface Factory {
    /** The method, ready to call. */
    Attribution open(LanternModel model, Settings settings);
  }

  /** Opens this method on a model. */
  public Attribution open(LanternModel model, Settings values) {
    return factory.open(model, values);
  }

  /** Parses every setting this method reads, so bad values fail before any model is opened. */
  public void check(Settings values) {
    for (Setting<?> s : settings) {
      values.get(s);
    }
  }

  /**
   * This method as the evaluation's factory: on the model's own graph it runs on the model itself;
   * on another graph (a randomised copy for the sanity check) it runs on a copy closed with the method.
   */
  public dev.lanterne.metrics.Evaluation.MethodFactory evaluationFactory(LanternModel model, Settings values) {
    return graph -> {
      LanternModel m = graph == model.proto() ? model : model.withGraph(graph);
      Attribution method = open(m, values);
      return new dev.lanterne.metrics.Evaluation.Method() {
        @Override
        public java.util.List<dev.lanterne.explain.Explanation> explain(float[] image, int[] classes, int imageIndex) {
          dev.lanterne.explain.Images one = m.tensors(image, 1, java.util.List.of("image " + imageIndex));
          return method.attribute(one, new int[][] {classes}).stream().map(e -> e.withImage(imageIndex)).toList();
        }

        @Override
        public void close() {
          if (m != model) {
            m.close();
          }
        }
      };
    };
  }
}
