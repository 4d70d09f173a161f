package dev.lanterne.grad;

import dev.lanterne.onnx.OnnxModels;
import dev.lanterne.onnx.proto.Onnx;
import dev.lanterne.runtime.RuntimeOptions;
import java.nio.file.Path;

/**
 * Entry point for the gradient methods: derived graphs from the cache (compiled on first use) and
 * the sessions that run them.
 */
public final class Gradients {
  private Gradients() {}

  public static GradientCompiler.Graphs graphs(Path modelFile, GradientOptions options) {
    return graphs(OnnxModels.load(modelFile), options);
  }

  public static GradientCompiler.Graphs graphs(Onnx.ModelProto model, GradientOptions options) {
    return new GraphCache(GraphCache.defaultDir()).getOrCompile(model, options);
  }

  public static SaliencySession saliency(Path modelFile, GradientOptions options, RuntimeOptions runtime) {
    return new SaliencySession(graphs(modelFile, options).saliency(), runtime);
  }

  public static GradCamSession gradcam(Path modelFile, GradientOptions options, RuntimeOptions runtime) {
    GradientCompiler.Graphs g = graphs(modelFile, options);
    return new GradCamSession(g.gradcam(), g.layer(), runtime);
  }

  public static InversionSession inversion(Path modelFile, GradientOptions options, RuntimeOptions runtime) {
    return new InversionSession(graphs(modelFile, options).inversion(), runtime);
  }

  /** For a model already in memory, e.g. {@code OnnxModels.parse(classifier.modelBytes(), name)}. */
  public static SaliencySession saliency(Onnx.ModelProto model, GradientOptions options, RuntimeOptions runtime) {
    return new SaliencySession(graphs(model, options).saliency(), runtime);
  }

  public static GradCamSession gradcam(Onnx.ModelProto model, GradientOptions options, RuntimeOptions runtime) {
    GradientCompiler.Graphs g = graphs(model, options);
    return new GradCamSession(g.gradcam(), g.layer(), runtime);
  }

  public static InversionSession inversion(Onnx.ModelProto model, GradientOptions options, RuntimeOptions runtime) {
    return new InversionSession(graphs(model, options).inversion(), runtime);
  }
}
