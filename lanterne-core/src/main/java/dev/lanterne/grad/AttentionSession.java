package dev.lanterne.grad;

import dev.lanterne.runtime.AttentionModel;
import dev.lanterne.runtime.RuntimeOptions;

import dev.lanterne.onnx.proto.Onnx;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Runs an attention graph from {@link GradientCompiler#attention}. */
public final class AttentionSession implements AttentionModel {
  private final DerivedGraphRunner runner;
  private final int heads;
  private final int tokens;
  private final int blocks;
  private final boolean gradients;

  /** Opens the graph; gradients are read when the graph has them. */
  public AttentionSession(Onnx.ModelProto attentionGraph, RuntimeOptions options) {
    String meta = attentionGraph.getMetadataPropsList().stream()
        .filter(e -> e.getKey().equals(GradientCompiler.ATTENTION_KEY)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("not an attention graph")).getValue();
    String[] parts = meta.split(",");
    this.heads = Integer.parseInt(parts[0]);
    this.tokens = Integer.parseInt(parts[1]);
    this.blocks = Integer.parseInt(parts[2]);
    this.gradients = attentionGraph.getGraph().getOutputList().stream()
        .anyMatch(v -> v.getName().equals(GradientCompiler.attentionGradientName(0)));
    this.runner = new DerivedGraphRunner(attentionGraph, options, "the attention graph");
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
  public int heads() {
    return heads;
  }

  @Override
  public int tokens() {
    return tokens;
  }

  @Override
  public int blocks() {
    return blocks;
  }

  @Override
  public boolean hasGradients() {
    return gradients;
  }

  @Override
  public Result run(float[] x, int n, float[] seed) {
    List<String> names = new ArrayList<>(List.of(runner.scoresName()));
    for (int i = 0; i < blocks; i++) {
      names.add(GradientCompiler.attentionName(i));
      if (gradients) {
        names.add(GradientCompiler.attentionGradientName(i));
      }
    }
    Map<String, float[]> out = runner.run(x, n, seed, Map.of(), names);
    float[][] a = new float[blocks][];
    float[][] g = gradients ? new float[blocks][] : null;
    for (int i = 0; i < blocks; i++) {
      a[i] = out.get(GradientCompiler.attentionName(i));
      if (gradients) {
        g[i] = out.get(GradientCompiler.attentionGradientName(i));
      }
    }
    return new Result(out.get(runner.scoresName()), a, g);
  }

  @Override
  public void close() {
    runner.close();
  }
}
