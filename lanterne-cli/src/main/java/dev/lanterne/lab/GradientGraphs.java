package dev.lanterne.lab;

import dev.lanterne.grad.GradientCompiler;
import dev.lanterne.grad.GradientOptions;
import dev.lanterne.grad.Variant;
import dev.lanterne.onnx.proto.Onnx;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * The compiled gradient graphs of the models the lab explains, compiled once per model (the
 * original and each randomised copy of the sanity check), so methods that share a graph share the
 * compilation.
 */
final class GradientGraphs {
  private final Map<Onnx.ModelProto, GradientCompiler.Graphs> standard = new IdentityHashMap<>();
  private final Map<Onnx.ModelProto, Onnx.ModelProto> guided = new IdentityHashMap<>();

  /** Saliency, Grad-CAM (default layer) and inversion graphs with the true gradient. */
  synchronized GradientCompiler.Graphs standard(Onnx.ModelProto model) {
    return standard.computeIfAbsent(model, m -> GradientCompiler.compile(m, GradientOptions.DEFAULT));
  }

  /** The saliency graph with guided backpropagation through the ReLUs. */
  synchronized Onnx.ModelProto guided(Onnx.ModelProto model) {
    return guided.computeIfAbsent(model,
        m -> GradientCompiler.compileSaliency(m, GradientOptions.DEFAULT.withVariant(Variant.GUIDED)));
  }

  /** Drops the graphs of a model no longer needed (a randomised copy after its sanity step). */
  synchronized void forget(Onnx.ModelProto model) {
    standard.remove(model);
    guided.remove(model);
  }
}
