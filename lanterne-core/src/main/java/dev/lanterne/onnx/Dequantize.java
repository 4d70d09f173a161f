package dev.lanterne.onnx;

import dev.lanterne.LanterneException;
import dev.lanterne.onnx.proto.Onnx;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns a QDQ-quantized model into a plain float32 one ({@code lanterne convert --dequantize}):
 * constant weights are folded by {@link QdqFolding}, and each activation
 * QuantizeLinear→DequantizeLinear pair is removed, its consumers reading the float tensor that went
 * into the QuantizeLinear. The result computes the float model the quantized one approximates.
 */
public final class Dequantize {
  private Dequantize() {}

  /**
   * @throws LanterneException when a quantize or dequantize node remains that is not part of a
   *     removable pair (for example an integer-only operator between them)
   */
  public static Onnx.ModelProto apply(Onnx.ModelProto model) {
    Onnx.GraphProto g = QdqFolding.apply(model).getGraph();
    Map<String, List<Integer>> consumers = Graphs.consumers(g);
    Set<String> graphOutputs = Graphs.outputNames(g);
    Set<Integer> removed = new HashSet<>();
    Map<String, String> replacedBy = new HashMap<>();
    for (int i = 0; i < g.getNodeCount(); i++) {
      Onnx.NodeProto q = g.getNode(i);
      if (!q.getOpType().equals("QuantizeLinear") || !QdqFolding.isQuantizeOrDequantize(q)) {
        continue;
      }
      List<Integer> readers = consumers.getOrDefault(q.getOutput(0), List.of());
      boolean onlyDequantized = !readers.isEmpty() && !graphOutputs.contains(q.getOutput(0))
          && readers.stream().allMatch(r -> g.getNode(r).getOpType().equals("DequantizeLinear")
              && g.getNode(r).getInput(0).equals(q.getOutput(0)));
      if (onlyDequantized) {
        removed.add(i);
        for (int r : readers) {
          removed.add(r);
          replacedBy.put(g.getNode(r).getOutput(0), q.getInput(0));
        }
      }
    }
    Onnx.GraphProto.Builder b = g.toBuilder().clearNode();
    for (int i = 0; i < g.getNodeCount(); i++) {
      if (removed.contains(i)) {
        continue;
      }
      Onnx.NodeProto n = g.getNode(i);
      if (QdqFolding.isQuantizeOrDequantize(n)) {
        throw new LanterneException("cannot dequantize: " + n.getOpType() + " node '" + n.getName()
            + "' is not part of a constant weight or a QuantizeLinear→DequantizeLinear pair;"
            + " only QDQ-format models can be converted to float32");
      }
      Onnx.NodeProto.Builder nb = n.toBuilder();
      for (int k = 0; k < n.getInputCount(); k++) {
        nb.setInput(k, resolve(n.getInput(k), replacedBy));
      }
      b.addNode(nb);
    }
    for (String out : graphOutputs) {
      String source = resolve(out, replacedBy);
      if (!source.equals(out)) {
        // the graph output keeps its name, so callers that read it by name still find it
        b.addNode(Onnx.NodeProto.newBuilder().setOpType("Identity").setName(out + "_dequantized")
            .addInput(source).addOutput(out));
      }
    }
    return model.toBuilder().setGraph(Graphs.pruneUnused(b.build())).build();
  }

  /** Follows replacements through chains of removed pairs. */
  private static String resolve(String name, Map<String, String> replacedBy) {
    String s = name;
    for (String next; (next = replacedBy.get(s)) != null; ) {
      s = next;
    }
    return s;
  }
}
