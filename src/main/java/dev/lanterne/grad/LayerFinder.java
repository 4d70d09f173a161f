package dev.lanterne.grad;

import dev.lanterne.LanterneException;
import dev.lanterne.onnx.proto.Onnx;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Finds Grad-CAM layers: candidate 4-D activations, and the default one feeding the last global pooling. */
public final class LayerFinder {
  private static final Set<String> PASS_THROUGH = Set.of("Identity", "Dropout", "QuantizeLinear", "DequantizeLinear");

  private LayerFinder() {}

  /** A candidate layer: a spatial activation on a path from the input to the scores. */
  public record Layer(String tensor, String op, long[] shape) {}

  /** Node outputs of rank 4 with spatial size above 1 on the input-to-scores path, in graph order. */
  public static List<Layer> candidates(Onnx.GraphProto graph, ProbedShapes shapes, Backprop paths) {
    List<Layer> out = new ArrayList<>();
    for (Onnx.NodeProto n : TopologicalOrder.sort(graph)) {
      for (String o : n.getOutputList()) {
        if (paths.onPath(o) && shapes.isFloat(o) && isSpatial(shapes.dims(o))) {
          out.add(new Layer(o, n.getOpType(), shapes.dims(o)));
        }
      }
    }
    return out;
  }

  /**
   * The tensor that feeds the network's last global pooling (GlobalAveragePool, or an AveragePool or
   * ReduceMean down to 1x1), looking through identity-like nodes; without such pooling, the last
   * spatial activation.
   */
  public static String defaultLayer(Onnx.GraphProto graph, ProbedShapes shapes, Backprop paths) {
    List<Onnx.NodeProto> order = TopologicalOrder.sort(graph);
    Map<String, Onnx.NodeProto> producer = new HashMap<>();
    for (Onnx.NodeProto n : order) {
      n.getOutputList().forEach(o -> producer.put(o, n));
    }
    for (int i = order.size() - 1; i >= 0; i--) {
      Onnx.NodeProto n = order.get(i);
      if (n.getInputCount() == 0 || !paths.onPath(n.getInput(0)) || !isGlobalPooling(n, shapes)) {
        continue;
      }
      String t = n.getInput(0);
      Onnx.NodeProto p = producer.get(t);
      while (p != null && PASS_THROUGH.contains(p.getOpType()) && paths.onPath(p.getInput(0))) {
        t = p.getInput(0);
        p = producer.get(t);
      }
      return t;
    }
    List<Layer> all = candidates(graph, shapes, paths);
    if (all.isEmpty()) {
      throw new LanterneException("the model has no spatial activation for Grad-CAM; pass --layer NAME"
          + " (see 'lanterne layers')");
    }
    return all.get(all.size() - 1).tensor();
  }

  private static boolean isGlobalPooling(Onnx.NodeProto n, ProbedShapes shapes) {
    String op = n.getOpType();
    if (!op.equals("GlobalAveragePool") && !op.equals("AveragePool") && !op.equals("ReduceMean")
        && !op.equals("GlobalMaxPool")) {
      return false;
    }
    long[] in = shapes.dims(n.getInput(0));
    if (!isSpatial(in)) {
      return false;
    }
    long[] out = shapes.dims(n.getOutput(0));
    long outSpatial = 1;
    for (int i = 2; i < out.length; i++) {
      outSpatial *= out[i];
    }
    return out.length <= 2 || outSpatial == 1;
  }

  private static boolean isSpatial(long[] d) {
    return d.length == 4 && d[2] * d[3] > 1;
  }
}
