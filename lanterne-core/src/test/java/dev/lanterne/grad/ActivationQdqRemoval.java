package dev.lanterne.grad;

import dev.lanterne.onnx.proto.Onnx;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Test helper: a float version of a QDQ model in which every activation QuantizeLinear ->
 * DequantizeLinear pair is removed (its consumers read the float tensor directly). Weight
 * DequantizeLinear nodes of constants stay: they compute the float weights.
 */
final class ActivationQdqRemoval {
  private ActivationQdqRemoval() {}

  static Onnx.ModelProto apply(Onnx.ModelProto model) {
    Onnx.GraphProto g = model.getGraph();
    Set<String> constants = new HashSet<>();
    g.getInitializerList().forEach(t -> constants.add(t.getName()));
    Map<String, String> quantizedFrom = new HashMap<>();
    for (Onnx.NodeProto n : g.getNodeList()) {
      if (n.getOpType().equals("QuantizeLinear") && !constants.contains(n.getInput(0))) {
        quantizedFrom.put(n.getOutput(0), n.getInput(0));
      }
    }
    Map<String, String> replace = new HashMap<>();
    Set<Onnx.NodeProto> drop = new HashSet<>();
    for (Onnx.NodeProto n : g.getNodeList()) {
      if (n.getOpType().equals("DequantizeLinear") && quantizedFrom.containsKey(n.getInput(0))) {
        replace.put(n.getOutput(0), quantizedFrom.get(n.getInput(0)));
        drop.add(n);
      }
    }
    Onnx.GraphProto.Builder b = g.toBuilder().clearNode();
    for (Onnx.NodeProto n : g.getNodeList()) {
      if (drop.contains(n) || n.getOpType().equals("QuantizeLinear") && quantizedFrom.containsKey(n.getOutput(0))) {
        continue;
      }
      Onnx.NodeProto.Builder nb = n.toBuilder();
      for (int i = 0; i < n.getInputCount(); i++) {
        String r = replace.get(n.getInput(i));
        if (r != null) {
          nb.setInput(i, r);
        }
      }
      b.addNode(nb);
    }
    for (int i = 0; i < b.getOutputCount(); i++) {
      String r = replace.get(b.getOutput(i).getName());
      if (r != null) {
        b.addNode(Onnx.NodeProto.newBuilder().setOpType("Identity").addInput(r).addOutput(b.getOutput(i).getName()));
      }
    }
    return model.toBuilder().setGraph(b).build();
  }
}
