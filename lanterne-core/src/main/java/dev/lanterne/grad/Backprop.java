package dev.lanterne.grad;

import dev.lanterne.LanterneException;
import dev.lanterne.onnx.Attributes;
import dev.lanterne.onnx.Graphs;
import dev.lanterne.onnx.proto.Onnx;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reverse-mode differentiation of a graph: walks the nodes on paths from the input to the output in
 * reverse order, asks each node's rule for its input gradients, and adds up the gradients of
 * tensors used more than once.
 */
public final class Backprop {
  private final List<Onnx.NodeProto> nodes;
  private final ProbedShapes shapes;
  private final Map<String, Onnx.TensorProto> constants = new HashMap<>();
  private final Set<String> active = new HashSet<>();
  private final Set<String> needed = new HashSet<>();
  private RuleLookup rules = GradientRules::forOp;

  /** Where the backward pass finds each operator's rule (tests substitute a faulty rule to see it caught). */
  @FunctionalInterface
  interface RuleLookup {
    GradientRule forOp(String opType, Variant variant);
  }

  /**
   * @param graph the forward graph
   * @param input the tensor gradients flow to (the image)
   * @param output the tensor whose seed-weighted sum is differentiated
   */
  public Backprop(Onnx.GraphProto graph, ProbedShapes shapes, String input, String output) {
    this.nodes = TopologicalOrder.sort(graph);
    this.shapes = shapes;
    for (Onnx.TensorProto t : graph.getInitializerList()) {
      constants.put(t.getName(), t);
    }
    // quantized weights: rules see their float values (the backward reads them as float constants)
    constants.putAll(FusionSafeView.dequantizedConstants(graph));
    active.add(input);
    for (Onnx.NodeProto n : nodes) {
      if (n.getOpType().equals("Constant") && Attributes.has(n, "value")) {
        constants.put(n.getOutput(0), Attributes.getTensor(n, "value"));
      }
      boolean fromInput = n.getInputList().stream().anyMatch(active::contains);
      if (!fromInput || isDefaultDomain(n) && GradientRules.NO_GRADIENT.contains(n.getOpType())) {
        continue;
      }
      for (String o : n.getOutputList()) {
        // a quantized activation carries the gradient of the value it stands for (straight-through)
        if (!o.isEmpty() && (shapes.isFloat(o) || n.getOpType().equals("QuantizeLinear"))) {
          active.add(o);
        }
      }
    }
    needed.add(output);
    for (Onnx.NodeProto n : Graphs.computing(nodes, List.of(output))) {
      needed.addAll(n.getInputList());
    }
    if (!active.contains(output)) {
      throw new NotDifferentiableException(output, "", "the scores '" + output + "' do not depend on the input '"
          + input + "' through differentiable operators");
    }
  }

  /** Uses other rules from now on. */
  void useRules(RuleLookup lookup) {
    this.rules = lookup;
  }

  /** The rule lookup in use. */
  RuleLookup rules() {
    return rules;
  }

  /** The forward nodes in topological order. */
  List<Onnx.NodeProto> nodes() {
    return nodes;
  }

  /** The constants rules may read (initializers, Constant nodes, dequantized weights), by name. */
  Map<String, Onnx.TensorProto> constants() {
    return constants;
  }

  static boolean isDefaultDomain(Onnx.NodeProto n) {
    return !n.hasDomain() || n.getDomain().isEmpty() || n.getDomain().equals("ai.onnx");
  }

  /** Whether the tensor lies on a path from the input to the output. */
  public boolean onPath(String tensor) {
    return active.contains(tensor) && needed.contains(tensor);
  }

  /**
   * Emits the backward pass for d(sum(seed * output)) and returns the gradient tensor of each wanted
   * tensor (each must be on a path from the input to the output).
   */
  public Map<String, String> emit(GraphEmitter e, String output, String seed, Variant variant,
      Collection<String> wanted) {
    return emit(e, output, seed, variant, wanted, null);
  }

  /**
   * As {@link #emit(GraphEmitter, String, String, Variant, Collection)}, in a graph that also holds a
   * reference forward pass (DeepLift): {@code reference} names each tensor's reference counterpart.
   */
  public Map<String, String> emit(GraphEmitter e, String output, String seed, Variant variant,
      Collection<String> wanted, java.util.function.UnaryOperator<String> reference) {
    for (String w : wanted) {
      if (!onPath(w)) {
        throw new LanterneException("tensor '" + w + "' does not lie on a path from the input to the scores;"
            + " pick another layer (see 'lanterne layers')", LanterneException.FAILURE, null, "layer");
      }
    }
    Map<String, Onnx.NodeProto> producers = new HashMap<>();
    for (Onnx.NodeProto n : nodes) {
      n.getOutputList().forEach(o -> producers.put(o, n));
    }
    BackwardContext ctx = new BackwardContext(e, variant, constants, reference, producers);
    Map<String, List<String>> grads = new HashMap<>();
    grads.put(output, new ArrayList<>(List.of(seed)));
    for (int i = nodes.size() - 1; i >= 0; i--) {
      Onnx.NodeProto n = nodes.get(i);
      boolean[] needs = new boolean[n.getInputCount()];
      boolean any = false;
      for (int k = 0; k < needs.length; k++) {
        needs[k] = onPath(n.getInput(k));
        any |= needs[k];
      }
      String[] dy = new String[n.getOutputCount()];
      boolean reached = false;
      for (int k = 0; k < dy.length; k++) {
        dy[k] = total(e, grads, n.getOutput(k));
        reached |= dy[k] != null;
      }
      if (!any || !reached) {
        continue;
      }
      GradientRule rule = isDefaultDomain(n) ? rules.forOp(n.getOpType(), variant) : null;
      if (rule == null) {
        throw new NotDifferentiableException(n.getName(), qualified(n), "no gradient rule for operator "
            + qualified(n) + " (node '" + n.getName() + "')");
      }
      ctx.focus(n, needs);
      String[] dx = rule.backward(n, dy, ctx);
      for (int k = 0; k < needs.length; k++) {
        if (needs[k] && k < dx.length && dx[k] != null) {
          grads.computeIfAbsent(n.getInput(k), t -> new ArrayList<>()).add(dx[k]);
        }
      }
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (String w : wanted) {
      String g = total(e, grads, w);
      out.put(w, g != null ? g : e.zerosLike(w));
    }
    return out;
  }

  static String qualified(Onnx.NodeProto n) {
    return isDefaultDomain(n) ? n.getOpType() : n.getDomain() + "." + n.getOpType();
  }

  /** The summed gradient of a tensor (emitting the sum once), or null when none reached it. */
  private static String total(GraphEmitter e, Map<String, List<String>> grads, String tensor) {
    List<String> parts = grads.get(tensor);
    if (parts == null || parts.isEmpty()) {
      return null;
    }
    if (parts.size() > 1) {
      String s = e.sum(parts);
      parts.clear();
      parts.add(s);
    }
    return parts.get(0);
  }
}
