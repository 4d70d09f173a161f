package dev.lanterne.grad;

import dev.lanterne.onnx.proto.Onnx;
import dev.lanterne.runtime.BatchedGraph;
import dev.lanterne.runtime.RuntimeOptions;
import java.util.List;
import java.util.Map;

/** Runs a DeepLift graph ({@link DeepLiftCompiler}): scores, multipliers and the baseline's scores. */
public final class DeepLiftSession implements AutoCloseable {
  private final BatchedGraph graph;
  private final String input;
  private final String scores;
  private final int[] chw;
  private final int numClasses;

  /** @param deepLiftGraph a graph from {@link DeepLiftCompiler#compile} */
  public DeepLiftSession(Onnx.ModelProto deepLiftGraph, RuntimeOptions options) {
    this.graph = new BatchedGraph(deepLiftGraph, options, "the DeepLift graph");
    this.input = deepLiftGraph.getGraph().getInput(0).getName();
    this.scores = GradientCompiler.scoresName(deepLiftGraph);
    long[] row = graph.inputs().get(input);
    this.chw = new int[] {(int) row[0], (int) row[1], (int) row[2]};
    this.numClasses = (int) graph.inputs().get(GradientCompiler.SEED)[0];
  }

  /** {channels, height, width} of one input. */
  public int[] inputShape() {
    return chw.clone();
  }

  /** Number of classes the model scores. */
  public int numClasses() {
    return numClasses;
  }

  /**
   * @param x inputs [n,C,H,W]
   * @param baseline references [n,C,H,W], row i pairs with x's row i
   * @param seed weights [n,K]
   */
  public Result run(float[] x, float[] baseline, int n, float[] seed) {
    Map<String, float[]> out = graph.run(Map.of(input, x, DeepLiftCompiler.BASELINE, baseline,
        GradientCompiler.SEED, seed), n, List.of(scores, GradientCompiler.GRAD_INPUT,
        DeepLiftCompiler.REFERENCE_SCORES));
    return new Result(out.get(scores), out.get(GradientCompiler.GRAD_INPUT),
        out.get(DeepLiftCompiler.REFERENCE_SCORES));
  }

  /**
   * @param scores y(x) [n,K]
   * @param multipliers DeepLift's multipliers [n,C,H,W]; the attribution is (x - x') times them
   * @param referenceScores y(x') [n,K]
   */
  public record Result(float[] scores, float[] multipliers, float[] referenceScores) {}

  @Override
  public void close() {
    graph.close();
  }
}
