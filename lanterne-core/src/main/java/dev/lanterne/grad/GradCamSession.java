package dev.lanterne.grad;

import dev.lanterne.runtime.RuntimeOptions;
import dev.lanterne.runtime.CamModel;

import dev.lanterne.onnx.proto.Onnx;
import java.util.List;
import java.util.Map;

/**
 * Runs a compiled Grad-CAM graph: scores, the layer's activation and its gradient.
 *
 * <p>Thread-safe: may be shared by several threads; {@link #close()} waits for calls in progress,
 * later calls fail with an {@link IllegalStateException}, and closing twice does nothing.
 */
public final class GradCamSession implements CamModel {
  private final DerivedGraphRunner runner;
  private final String layer;
  private final long[] activationShape;
  private final String layout;

  /**
   * Opens a session on a compiled Grad-CAM graph; the session owns it until {@link #close()}.
   *
   * @param layer the layer the graph was compiled for, as reported in explanations
   */
  public GradCamSession(Onnx.ModelProto gradcamGraph, String layer, RuntimeOptions options) {
    this.runner = new DerivedGraphRunner(gradcamGraph, options, "the Grad-CAM graph");
    this.layer = layer;
    this.activationShape = runner.outputShape(gradcamGraph, GradientCompiler.ACTIVATION);
    if (activationShape.length != 4) {
      runner.close();
      throw dev.lanterne.LanterneException.usage("layer", "layer '" + layer + "' has shape "
          + java.util.Arrays.toString(activationShape) + ", not a spatial activation [N,C,H,W]; Grad-CAM needs a"
          + " convolutional layer (list them with lanterne layers)");
    }
    this.layout = gradcamGraph.getMetadataPropsList().stream()
        .filter(e -> e.getKey().equals(GradientCompiler.LAYOUT_KEY)).map(e -> e.getValue()).findFirst().orElse("NCHW");
  }

  @Override
  public String layout() {
    return layout;
  }

  @Override
  public int[] inputShape() {
    return runner.inputShape();
  }

  @Override
  public int numClasses() {
    return runner.numClasses();
  }

  @Override
  public String layer() {
    return layer;
  }

  @Override
  public Result run(float[] x, int n, float[] seed) {
    Map<String, float[]> out = runner.run(x, n, seed, Map.of(), List.of(runner.scoresName(),
        GradientCompiler.ACTIVATION, GradientCompiler.GRAD_ACTIVATION));
    int[] shape = new int[activationShape.length];
    shape[0] = n;
    for (int i = 1; i < shape.length; i++) {
      shape[i] = (int) activationShape[i];
    }
    return new Result(out.get(runner.scoresName()), out.get(GradientCompiler.ACTIVATION),
        out.get(GradientCompiler.GRAD_ACTIVATION), shape);
  }

  @Override
  public void close() {
    runner.close();
  }
}
