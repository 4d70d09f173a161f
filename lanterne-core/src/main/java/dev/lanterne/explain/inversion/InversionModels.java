package dev.lanterne.explain.inversion;

import dev.lanterne.grad.FiniteDifferenceGradient;
import dev.lanterne.grad.Gradients;
import dev.lanterne.runtime.Classifier;
import dev.lanterne.grad.GradientOptions;
import dev.lanterne.onnx.OnnxModels;
import dev.lanterne.onnx.proto.Onnx;
import dev.lanterne.runtime.GradientModel;
import dev.lanterne.runtime.InversionModel;
import dev.lanterne.runtime.RuntimeOptions;

/** Opens the inversion step for a classifier: the compiled graph, or any gradient source. */
public final class InversionModels {
  private InversionModels() {}

  /**
   * The inversion-step graph of a classifier, compiled on first use and then read from the graph
   * cache (QDQ models included: quantize/dequantize pairs pass gradients straight through).
   *
   * @param normalize whether the graph's update divides the gradient by its per-image mean |g|
   */
  public static InversionModel compile(byte[] model, boolean normalize, RuntimeOptions runtime) {
    Onnx.ModelProto proto = OnnxModels.parse(model, "model");
    // compile() also derives a Grad-CAM graph; naming the input as its layer skips the search for a
    // spatial layer, which models without one (and layer-objective rewrites) would fail
    String input = imageInput(proto.getGraph());
    return Gradients.inversion(proto, GradientOptions.DEFAULT.withNormalizeInversion(normalize).withLayer(input),
        runtime);
  }

  /**
   * The black-box fallback for models the compiler cannot differentiate: gradients estimated by
   * antithetic finite differences through the plain model (2 * directions forward passes per image
   * and step, so slow), the update done in Java.
   */
  public static InversionModel finiteDifferences(byte[] model, String name, boolean normalize, RuntimeOptions runtime,
      FiniteDifferenceGradient.Options options) {
    Classifier classifier = Classifier.open(model, name, runtime);
    return new GradientInversionModel(new FiniteDifferenceGradient(classifier, options), normalize, classifier);
  }

  /** The inversion step on top of any gradient source, e.g. finite differences (slow: one forward per pixel pair). */
  public static InversionModel fromGradients(GradientModel gradients, boolean normalize) {
    return new GradientInversionModel(gradients, normalize);
  }

  /** The first graph input that is not an initializer. */
  static String imageInput(Onnx.GraphProto g) {
    java.util.Set<String> inits = new java.util.HashSet<>();
    g.getInitializerList().forEach(t -> inits.add(t.getName()));
    return g.getInputList().stream().map(Onnx.ValueInfoProto::getName).filter(n -> !inits.contains(n)).findFirst()
        .orElseThrow(() -> new dev.lanterne.LanterneException("the model has no input; Lanterne needs an image input [N,C,H,W]"));
  }
}
