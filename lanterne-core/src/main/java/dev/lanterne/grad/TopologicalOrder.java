package dev.lanterne.grad;

import dev.lanterne.LanterneException;
import dev.lanterne.onnx.proto.Onnx;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Nodes in an order where every tensor is produced before it is used (ONNX asks for it, not all exporters comply). */
final class TopologicalOrder {
  private TopologicalOrder() {}

  static List<Onnx.NodeProto> sort(Onnx.GraphProto g) {
    List<Onnx.NodeProto> nodes = g.getNodeList();
    Map<String, Integer> producer = new HashMap<>();
    for (int i = 0; i < nodes.size(); i++) {
      for (String o : nodes.get(i).getOutputList()) {
        producer.put(o, i);
      }
    }
    int[] waiting = new int[nodes.size()];
    Map<Integer, List<Integer>> users = new HashMap<>();
    for (int i = 0; i < nodes.size(); i++) {
      for (String in : nodes.get(i).getInputList()) {
        Integer p = producer.get(in);
        if (p != null && p != i) {
          waiting[i]++;
          users.computeIfAbsent(p, k -> new ArrayList<>()).add(i);
        }
      }
    }
    Deque<Integer> ready = new ArrayDeque<>();
    for (int i = 0; i < nodes.size(); i++) {
      if (waiting[i] == 0) {
        ready.add(i);
      }
    }
    List<Onnx.NodeProto> order = new ArrayList<>(nodes.size());
    while (!ready.isEmpty()) {
      int i = ready.poll();
      order.add(nodes.get(i));
      for (int u : users.getOrDefault(i, List.of())) {
        if (--waiting[u] == 0) {
          ready.add(u);
        }
      }
    }
    if (order.size() != nodes.size()) {
      throw new LanterneException("the model graph has a cycle; it is not a valid ONNX model");
    }
    return order;
  }
}
