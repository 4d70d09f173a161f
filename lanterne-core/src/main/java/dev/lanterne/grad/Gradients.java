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

  /**
   * All three derived graphs of a model file, from the cache in {@link GraphCache#defaultDir()} (compiled on
   * first use).
   *
   * @throws dev.lanterne.LanterneException when the model cannot be read or differentiated
   */
  public static GradientCompiler.Graphs graphs(Path modelFile, GradientOptions options) {
    return graphs(OnnxModels.load(modelFile), options);
  }

  /**
   * All three derived graphs of a model in memory, from the cache (compiled on first use).
   *
   * @throws dev.lanterne.LanterneException when the model cannot be differentiated
   */
  public static GradientCompiler.Graphs graphs(Onnx.ModelProto model, GradientOptions options) {
    return new GraphCache(GraphCache.defaultDir()).getOrCompile(model, options);
  }

  /** One derived graph from the cache (compiled on first use); the other kinds are not built. */
  public static Onnx.ModelProto graph(Onnx.ModelProto model, GradientOptions options, GradientCompiler.Kind kind) {
    return new GraphCache(GraphCache.defaultDir()).getOrCompile(model, options, kind);
  }

  /** A saliency session for a model file; the caller closes it. */
  public static SaliencySession saliency(Path modelFile, GradientOptions options, RuntimeOptions runtime) {
    return saliency(OnnxModels.load(modelFile), options, runtime);
  }

  /** A Grad-CAM session for a model file, at the options' layer; the caller closes it. */
  public static GradCamSession gradcam(Path modelFile, GradientOptions options, RuntimeOptions runtime) {
    return gradcam(OnnxModels.load(modelFile), options, runtime);
  }

  /** An inversion-step session for a model file; the caller closes it. */
  public static InversionSession inversion(Path modelFile, GradientOptions options, RuntimeOptions runtime) {
    return inversion(OnnxModels.load(modelFile), options, runtime);
  }

  /** For a model already in memory, e.g. {@code OnnxModels.parse(classifier.modelBytes(), name)}. */
  public static SaliencySession saliency(Onnx.ModelProto model, GradientOptions options, RuntimeOptions runtime) {
    return new SaliencySession(graph(model, options, GradientCompiler.Kind.SALIENCY), runtime);
  }

  /** A Grad-CAM session for a model in memory, at the options' layer; the caller closes it. */
  public static GradCamSession gradcam(Onnx.ModelProto model, GradientOptions options, RuntimeOptions runtime) {
    Onnx.ModelProto cam = graph(model, options, GradientCompiler.Kind.GRADCAM);
    return new GradCamSession(cam, GradientCompiler.layerOf(cam), runtime);
  }

  /** An inversion-step session for a model in memory; the caller closes it. */
  public static InversionSession inversion(Onnx.ModelProto model, GradientOptions options, RuntimeOptions runtime) {
    return new InversionSession(graph(model, options, GradientCompiler.Kind.INVERSION), runtime);
  }
}
