package dev.lanterne.metrics;

import dev.lanterne.LanterneException;
import dev.lanterne.onnx.proto.Onnx;
import java.util.ArrayList;
import java.util.List;

/**
 * The model parameter randomisation test of Adebayo et al. ("Sanity Checks for Saliency Maps",
 * NeurIPS 2018), cascading: the learned layers are randomised from the output back, cumulatively,
 * and after each step the explanation is recomputed and compared with the original by Spearman rank
 * correlation (of the signed maps and of their absolute values). A method that explains the model
 * loses correlation as its weights go; one whose map stays is showing the image, not the model.
 */
public final class SanityCheck {
  /** Computes an explanation map of the image under study for a (possibly randomised) model. */
  @FunctionalInterface
  public interface MapFunction {
    /** The map of the image under study for this model. */
    float[] map(Onnx.ModelProto model);
  }

  /**
   * One step of the cascade.
   *
   * @param randomized how many layers are randomised now (1 = the output layer only)
   * @param layer the layer randomised at this step
   * @param spearman rank correlation of the original and this map
   * @param absoluteSpearman rank correlation of their absolute values
   * @param map this step's map
   */
  public record Step(int randomized, WeightRandomizer.Layer layer, double spearman, double absoluteSpearman,
      float[] map) {}

  /**
   * The result of the cascade.
   *
   * @param original the map of the original model
   * @param steps one step per randomised layer, output layer first
   */
  public record Result(float[] original, List<Step> steps) {
    /** The correlation after the last step (every layer that was randomised), or NaN without steps. */
    public double finalSpearman() {
      return steps.isEmpty() ? Double.NaN : steps.get(steps.size() - 1).spearman();
    }
  }

  private final long seed;
  private final int maxLayers;

  /**
   * @param seed the random weights depend on (seed, layer, parameter) only
   * @param maxLayers stop after this many layers; 0 randomises them all
   */
  public SanityCheck(long seed, int maxLayers) {
    if (maxLayers < 0) {
      throw new IllegalArgumentException("maxLayers must be >= 0, got " + maxLayers);
    }
    this.seed = seed;
    this.maxLayers = maxLayers;
  }

  /**
   * Runs the cascade: the explanation of the original model, then one per randomised layer.
   *
   * @param explain computes the map under study for the model it is given; called once plus once per step
   * @throws dev.lanterne.LanterneException when the model has no layer with weights to randomise
   */
  public Result run(Onnx.ModelProto model, MapFunction explain) {
    List<WeightRandomizer.Layer> layers = WeightRandomizer.layersFromOutput(model);
    if (layers.isEmpty()) {
      throw new LanterneException("the model has no Conv, Gemm or MatMul layer with weights in initializers;"
          + " the sanity check has nothing to randomise");
    }
    int n = maxLayers == 0 ? layers.size() : Math.min(maxLayers, layers.size());
    float[] original = explain.map(model);
    List<Step> steps = new ArrayList<>();
    for (int k = 1; k <= n; k++) {
      float[] map = explain.map(WeightRandomizer.randomizeTop(model, k, seed));
      if (map.length != original.length) {
        throw new IllegalStateException("the map changed size from " + original.length + " to " + map.length);
      }
      steps.add(new Step(k, layers.get(k - 1), Spearman.correlation(original, map),
          Spearman.absoluteCorrelation(original, map), map));
    }
    return new Result(original, List.copyOf(steps));
  }
}
