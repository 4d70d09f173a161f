package dev.lanterne.grad;

import dev.lanterne.runtime.RuntimeOptions;
import dev.lanterne.runtime.GradientModel;

import dev.lanterne.onnx.proto.Onnx;
import java.util.List;
import java.util.Map;

/**
 * Runs a compiled saliency graph: scores and the input gradient of sum(seed * y) in one call per chunk.
 *
 * <p>Thread-safe: may be shared by several threads; {@link #close()} waits for calls in progress,
 * later calls fail with an {@link IllegalStateException}, and closing twice does nothing.
 */
public final class SaliencySession implements GradientModel {
  private final DerivedGraphRunner runner;

  /**
   * Opens a session on a compiled saliency graph; the session owns it until {@link #close()}.
   *
   * @throws dev.lanterne.LanterneException when ONNX Runtime cannot load the graph
   */
  public SaliencySession(Onnx.ModelProto saliencyGraph, RuntimeOptions options) {
    this.runner = new DerivedGraphRunner(saliencyGraph, options, "the saliency graph");
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
  public Result gradient(float[] x, int n, float[] seed) {
    Map<String, float[]> out = runner.run(x, n, seed, Map.of(),
        List.of(runner.scoresName(), GradientCompiler.GRAD_INPUT));
    return new Result(out.get(runner.scoresName()), out.get(GradientCompiler.GRAD_INPUT));
  }

  @Override
  public void close() {
    runner.close();
  }
}
