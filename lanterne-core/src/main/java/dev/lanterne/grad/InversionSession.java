package dev.lanterne.grad;

import dev.lanterne.runtime.RuntimeOptions;
import dev.lanterne.runtime.InversionModel;

import dev.lanterne.onnx.proto.Onnx;
import java.util.List;
import java.util.Map;

/**
 * Runs a compiled inversion-step graph: one gradient-ascent step on the images per call.
 *
 * <p>Thread-safe: may be shared by several threads; {@link #close()} waits for calls in progress,
 * later calls fail with an {@link IllegalStateException}, and closing twice does nothing.
 */
public final class InversionSession implements InversionModel {
  private final DerivedGraphRunner runner;

  /**
   * Opens a session on a compiled inversion-step graph; the session owns it until {@link #close()}.
   *
   * @throws dev.lanterne.LanterneException when ONNX Runtime cannot load the graph
   */
  public InversionSession(Onnx.ModelProto inversionGraph, RuntimeOptions options) {
    this.runner = new DerivedGraphRunner(inversionGraph, options, "the inversion graph");
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
  public Result step(float[] x, int n, float[] seed, float lr, float l2) {
    return run(x, n, seed, lr, l2, true, true);
  }

  @Override
  public Result update(float[] x, int n, float[] seed, float lr, float l2) {
    return run(x, n, seed, lr, l2, true, false);
  }

  @Override
  public Result gradient(float[] x, int n, float[] seed) {
    return run(x, n, seed, 0f, 0f, false, true);
  }

  // ONNX Runtime computes the whole graph either way; an output not fetched is one image-sized copy
  // into the Java heap less
  private Result run(float[] x, int n, float[] seed, float lr, float l2, boolean next, boolean gradient) {
    List<String> names = new java.util.ArrayList<>(3);
    if (next) {
      names.add(GradientCompiler.NEXT);
    }
    if (gradient) {
      names.add(GradientCompiler.GRAD_INPUT);
    }
    names.add(runner.scoresName());
    Map<String, float[]> out = runner.run(x, n, seed, Map.of(GradientCompiler.LR, lr, GradientCompiler.L2, l2),
        names);
    return new Result(out.get(GradientCompiler.NEXT), out.get(GradientCompiler.GRAD_INPUT),
        out.get(runner.scoresName()));
  }

  @Override
  public void close() {
    runner.close();
  }
}
