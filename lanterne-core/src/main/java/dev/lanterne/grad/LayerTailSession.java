package dev.lanterne.grad;

import dev.lanterne.runtime.BatchedGraph;
import dev.lanterne.runtime.RuntimeOptions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Runs a classifier from a layer on: scores of edited activations (and, where the tail needs it, the image). */
public final class LayerTailSession implements AutoCloseable {
  private final LayerSplit.Tail tail;
  private final BatchedGraph graph;
  private final String scores;

  /** Opens the tail graph of a split model. */
  public LayerTailSession(LayerSplit.Tail tail, RuntimeOptions options) {
    this.tail = tail;
    this.graph = new BatchedGraph(tail.model(), options, "the model after layer " + tail.layer());
    this.scores = tail.model().getGraph().getOutput(0).getName();
  }

  /** The layer tensor fed to the tail. */
  public String layer() {
    return tail.layer();
  }

  /** Whether some path from the image to the scores bypasses the layer (then {@link #scores} needs images). */
  public boolean needsImage() {
    return tail.needsImage();
  }

  /**
   * @param activation the layer's values [n, ...]
   * @param images the normalised images [n,C,H,W] (ignored unless {@link #needsImage()})
   * @return scores [n,K]
   */
  public float[] scores(float[] activation, float[] images, int n) {
    Map<String, float[]> in = new HashMap<>();
    in.put(tail.layer(), activation);
    if (tail.needsImage()) {
      in.put(tail.image(), images);
    }
    return graph.run(in, n, List.of(scores)).get(scores);
  }

  @Override
  public void close() {
    graph.close();
  }
}
