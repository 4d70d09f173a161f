package dev.lanterne.onnx;

import dev.lanterne.onnx.proto.Onnx;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Lookups and clean-up shared by the graph passes: constants, consumers, reachability, pruning. */
public final class Graphs {
  private Graphs() {}

  /** Tensors whose value is known without running the graph: initializers and Constant outputs. */
  public static Map<String, Onnx.TensorProto> constants(Onnx.GraphProto g) {
    Map<String, Onnx.TensorProto> out = new HashMap<>();
    for (Onnx.TensorProto t : g.getInitializerList()) {
      out.put(t.getName(), t);
    }
    for (Onnx.NodeProto n : g.getNodeList()) {
      if (n.getOpType().equals("Constant") && n.getOutputCount() == 1) {
        Onnx.TensorProto value = Attributes.getTensor(n, "value");
        if (value != null) {
          out.put(n.getOutput(0), value.toBuilder().setName(n.getOutput(0)).build());
        }
      }
    }
    return out;
  }

  /** The graph inputs fed at run time (inputs that are not initializers). */
  public static List<Onnx.ValueInfoProto> runtimeInputs(Onnx.GraphProto g) {
    Set<String> init = new HashSet<>();
    for (Onnx.TensorProto t : g.getInitializerList()) {
      init.add(t.getName());
    }
    List<Onnx.ValueInfoProto> out = new ArrayList<>();
    for (Onnx.ValueInfoProto v : g.getInputList()) {
      if (!init.contains(v.getName())) {
        out.add(v);
      }
    }
    return out;
  }

  /** For each tensor name, the indices of the nodes that read it. */
  public static Map<String, List<Integer>> consumers(Onnx.GraphProto g) {
    Map<String, List<Integer>> out = new HashMap<>();
    for (int i = 0; i < g.getNodeCount(); i++) {
      for (String in : g.getNode(i).getInputList()) {
        if (!in.isEmpty()) {
          out.computeIfAbsent(in, k -> new ArrayList<>()).add(i);
        }
      }
    }
    return out;
  }

  /** Names of the graph's outputs. */
  public static Set<String> outputNames(Onnx.GraphProto g) {
    Set<String> out = new HashSet<>();
    for (Onnx.ValueInfoProto v : g.getOutputList()) {
      out.add(v.getName());
    }
    return out;
  }

  /** Every tensor computed from the given sources (the sources included). */
  public static Set<String> reachableFrom(Onnx.GraphProto g, Collection<String> sources) {
    return reachableFrom(g, sources, Set.of());
  }

  /** As {@link #reachableFrom(Onnx.GraphProto, Collection)}, not following nodes of the given types. */
  public static Set<String> reachableFrom(Onnx.GraphProto g, Collection<String> sources, Set<String> stopAt) {
    Map<String, List<Integer>> consumers = consumers(g);
    Set<String> seen = new HashSet<>(sources);
    Deque<String> todo = new ArrayDeque<>(sources);
    while (!todo.isEmpty()) {
      for (int i : consumers.getOrDefault(todo.pop(), List.of())) {
        if (stopAt.contains(g.getNode(i).getOpType())) {
          continue;
        }
        for (String out : g.getNode(i).getOutputList()) {
          if (!out.isEmpty() && seen.add(out)) {
            todo.push(out);
          }
        }
      }
    }
    return seen;
  }

  /**
   * The nodes of the list that the targets depend on (those computing a target, and the nodes those read
   * from, transitively), in the list's order; reachability in the other direction from {@link
   * #reachableFrom}. The list needs no particular order.
   */
  public static List<Onnx.NodeProto> computing(List<Onnx.NodeProto> nodes, Collection<String> targets) {
    Map<String, Integer> producer = new HashMap<>();
    for (int i = 0; i < nodes.size(); i++) {
      for (String o : nodes.get(i).getOutputList()) {
        producer.put(o, i);
      }
    }
    boolean[] kept = new boolean[nodes.size()];
    Deque<String> todo = new ArrayDeque<>(targets);
    while (!todo.isEmpty()) {
      Integer i = producer.get(todo.pop());
      if (i != null && !kept[i]) {
        kept[i] = true;
        todo.addAll(nodes.get(i).getInputList());
      }
    }
    List<Onnx.NodeProto> out = new ArrayList<>();
    for (int i = 0; i < nodes.size(); i++) {
      if (kept[i]) {
        out.add(nodes.get(i));
      }
    }
    return out;
  }

  /**
   * Removes initializers and Constant nodes that nothing reads any more, graph inputs that named
   * removed initializers, and value_info entries for tensors that no node produces.
   */
  public static Onnx.GraphProto pruneUnused(Onnx.GraphProto g) {
    Set<String> used = new HashSet<>(outputNames(g));
    collectReads(g, used);
    Onnx.GraphProto.Builder b = g.toBuilder().clearNode().clearInitializer().clearInput().clearValueInfo();
    Set<String> produced = new HashSet<>();
    for (Onnx.NodeProto n : g.getNodeList()) {
      boolean deadConstant = n.getOpType().equals("Constant") && n.getOutputCount() == 1
          && !used.contains(n.getOutput(0));
      if (!deadConstant) {
        b.addNode(n);
        produced.addAll(n.getOutputList());
      }
    }
    Set<String> dropped = new HashSet<>();
    for (Onnx.TensorProto t : g.getInitializerList()) {
      if (used.contains(t.getName())) {
        b.addInitializer(t);
      } else {
        dropped.add(t.getName());
      }
    }
    for (Onnx.ValueInfoProto v : g.getInputList()) {
      if (!dropped.contains(v.getName())) {
        b.addInput(v);
      }
    }
    for (Onnx.ValueInfoProto v : g.getValueInfoList()) {
      if (produced.contains(v.getName())) {
        b.addValueInfo(v);
      }
    }
    return b.build();
  }

  /** Adds every name a node reads, including the outer names that subgraphs (If, Loop) read. */
  private static void collectReads(Onnx.GraphProto g, Set<String> into) {
    for (Onnx.NodeProto n : g.getNodeList()) {
      into.addAll(n.getInputList());
      for (Onnx.AttributeProto a : n.getAttributeList()) {
        if (a.hasG()) {
          collectReads(a.getG(), into);
        }
        for (Onnx.GraphProto sub : a.getGraphsList()) {
          collectReads(sub, into);
        }
      }
    }
  }

  /** Every tensor name the graph mentions: inputs, initializers, node inputs and outputs. */
  public static Set<String> names(Onnx.GraphProto g) {
    Set<String> taken = new HashSet<>();
    for (Onnx.TensorProto t : g.getInitializerList()) {
      taken.add(t.getName());
    }
    for (Onnx.NodeProto n : g.getNodeList()) {
      taken.addAll(n.getInputList());
      taken.addAll(n.getOutputList());
    }
    for (Onnx.ValueInfoProto v : g.getInputList()) {
      taken.add(v.getName());
    }
    return taken;
  }

  /** A name not in taken, made from the given stem; it is added to taken. */
  public static String freshName(Set<String> taken, String stem) {
    String name = stem;
    for (int i = 1; taken.contains(name); i++) {
      name = stem + "_" + i;
    }
    taken.add(name);
    return name;
  }
}
