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

  /** One derived graph from the cache (compiled on first use); the other kinds are not built. */
  public static Onnx.ModelProto graph(Onnx.ModelProto model, GradientOptions options, GradientCompiler.Kind kind) {
    return new GraphCache(GraphCache.defaultDir()).getOrCompile(model, options, kind);
  }

  public static SaliencySession saliency(Path modelFile, GradientOptions options, RuntimeOptions runtime) {
    return saliency(OnnxModels.load(modelFile), options, runtime);
  }

  public static GradCamSession gradcam(Path modelFile, GradientOptions options, RuntimeOptions runtime) {
    return gradcam(OnnxModels.load(modelFile), options, runtime);
  }

  public static InversionSession inversion(Path modelFile, GradientOptions options, RuntimeOptions runtime) {
    return inversion(OnnxModels.load(modelFile), options, runtime);
  }

  /** For a model already in memory, e.g. {@code OnnxModels.parse(classifier.modelBytes(), name)}. */
  public static SaliencySession saliency(Onnx.ModelProto model, GradientOptions options, RuntimeOptions runtime) {
    return new SaliencySession(graph(model, options, GradientCompiler.Kind.SALIENCY), runtime);
  }

  public static GradCamSession gradcam(Onnx.ModelProto model, GradientOptions options, RuntimeOptions runtime) {
    Onnx.ModelProto cam = graph(model, options, GradientCompiler.Kind.GRADCAM);
    return new GradCamSession(cam, GradientCompiler.layerOf(cam), runtime);
  }

  public static InversionSession inversion(Onnx.ModelProto model, GradientOptions options, RuntimeOptions runtime) {
    return new InversionSession(graph(model, options, GradientCompiler.Kind.INVERSION), runtime);
  }
}
