package dev.lanterne.grad;

import dev.lanterne.onnx.Attributes;
import dev.lanterne.onnx.Graphs;
import dev.lanterne.onnx.TensorProtos;
import dev.lanterne.onnx.proto.Onnx;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Rewrites a channels-last normalisation between two permutes (ConvNeXt's LayerNorm2d: Transpose to NHWC, a
 * LayerNorm over the last axis, Transpose back) as the same normalisation over the channel axis of the NCHW
 * tensor, in the graph the compiler differentiates. The backward then needs no transposes there: node by node, it
 * transposed the gradient twice and recomputed the permuted input, and ONNX Runtime's transpose optimiser, pushing
 * those transposes through the backward's own arithmetic, added more (on ConvNeXt at batch 16, a fifth of the
 * saliency call). The derived graphs' forward part is still ONNX Runtime's optimisation of the model as given
 * (see {@link FusionSafeView}), so scores do not change; only the backward's recomputed statistics are reduced
 * in another order.
 *
 * <p>A region qualifies when every node reached from the first Transpose's output is elementwise
 * (Add, Sub, Mul, Div, Pow, Sqrt, Reciprocal, Neg) with constant operands of one value or one per channel,
 * ReduceMean over the last axis keeping it, or LayerNormalization over the last axis, and every path leaves
 * through a Transpose back to NCHW.
 */
final class ChannelLastNorms {
  private static final long[] TO_NHWC = {0, 2, 3, 1};
  private static final long[] TO_NCHW = {0, 3, 1, 2};
  private static final Set<String> ELEMENTWISE = Set.of("Add", "Sub", "Mul", "Div", "Pow", "Sqrt", "Reciprocal",
      "Neg");
  // not under the backward's prefix: these are forward tensors, read through the forward view
  static final String PREFIX = "channels_first/";

  private ChannelLastNorms() {}

  /** The model with every qualifying region rewritten, or the model itself when there is none. */
  static Onnx.ModelProto rewrite(Onnx.ModelProto model, ProbedShapes shapes) {
    Onnx.GraphProto g = model.getGraph();
    if (Graphs.names(g).stream().anyMatch(n -> n.startsWith(PREFIX))) {
      return model;
    }
    int opset = dev.lanterne.onnx.OnnxModels.opset(model);
    Map<String, Onnx.TensorProto> constants = constants(g);
    Map<String, List<Integer>> consumers = Graphs.consumers(g);
    Set<String> outputs = Graphs.outputNames(g);
    Set<Integer> removed = new HashSet<>();
    Map<Integer, List<Onnx.NodeProto>> replacements = new HashMap<>();
    List<Onnx.TensorProto> added = new ArrayList<>();
    int[] counter = {0};
    for (int i = 0; i < g.getNodeCount(); i++) {
      Onnx.NodeProto t1 = g.getNode(i);
      // float32 only: the written-out LayerNormalization's epsilon is a float32 constant
      if (!isTranspose(t1, TO_NHWC) || !shapes.has(t1.getOutput(0)) || !shapes.isFloat(t1.getOutput(0))) {
        continue;
      }
      long[] nhwc = shapes.dims(t1.getOutput(0));
      Region r = region(g, t1, nhwc[3], constants, consumers, outputs, opset);
      if (r == null) {
        continue;
      }
      List<Onnx.NodeProto> nodes = new ArrayList<>();
      Map<String, String> renamed = new HashMap<>();
      renamed.put(t1.getOutput(0), t1.getInput(0));
      for (int k : r.inner) {
        for (String o : g.getNode(k).getOutputList()) {
          if (!o.isEmpty()) {
            renamed.put(o, PREFIX + o);
          }
        }
      }
      for (int k : r.inner) {
        nodes.addAll(nchw(g.getNode(k), renamed, constants, nhwc[3], opset, added, counter));
      }
      for (int k : r.exits) {
        Onnx.NodeProto t2 = g.getNode(k);
        nodes.add(Onnx.NodeProto.newBuilder().setOpType("Identity").setName(PREFIX + t2.getName())
            .addInput(renamed.get(t2.getInput(0))).addOutput(t2.getOutput(0)).build());
        removed.add(k);
      }
      removed.add(i);
      removed.addAll(r.inner);
      // the rewritten nodes go where the first Transpose was: their inputs are all computed by then
      replacements.put(i, nodes);
    }
    if (replacements.isEmpty()) {
      return model;
    }
    Onnx.GraphProto.Builder out = g.toBuilder().clearNode();
    for (int i = 0; i < g.getNodeCount(); i++) {
      List<Onnx.NodeProto> r = replacements.get(i);
      if (r != null) {
        out.addAllNode(r);
      } else if (!removed.contains(i)) {
        out.addNode(g.getNode(i));
      }
    }
    out.addAllInitializer(added);
    return model.toBuilder().setGraph(out).build();
  }

  /** Constants, with the copies PyTorch's exporter makes of shared weights (Identity of a constant). */
  private static Map<String, Onnx.TensorProto> constants(Onnx.GraphProto g) {
    Map<String, Onnx.TensorProto> constants = Graphs.constants(g);
    for (Onnx.NodeProto n : g.getNodeList()) {
      Onnx.TensorProto c = n.getOpType().equals("Identity") ? constants.get(n.getInput(0)) : null;
      if (c != null) {
        constants.put(n.getOutput(0), c);
      }
    }
    return constants;
  }

  private record Region(List<Integer> inner, List<Integer> exits) {}

  /** The nodes between a Transpose to NHWC and its Transposes back, or null when the region does not qualify. */
  private static Region region(Onnx.GraphProto g, Onnx.NodeProto t1, long channels,
      Map<String, Onnx.TensorProto> constants, Map<String, List<Integer>> consumers, Set<String> outputs,
      int opset) {
    Set<String> inside = new HashSet<>(List.of(t1.getOutput(0)));
    Set<Integer> inner = new LinkedHashSet<>();
    Set<Integer> exits = new LinkedHashSet<>();
    java.util.ArrayDeque<String> todo = new java.util.ArrayDeque<>(List.of(t1.getOutput(0)));
    boolean normalises = false;
    while (!todo.isEmpty()) {
      String t = todo.poll();
      if (outputs.contains(t)) {
        return null;
      }
      for (int k : consumers.getOrDefault(t, List.of())) {
        if (inner.contains(k) || exits.contains(k)) {
          continue;
        }
        Onnx.NodeProto n = g.getNode(k);
        if (isTranspose(n, TO_NCHW)) {
          exits.add(k);
          continue;
        }
        boolean ok;
        if (ELEMENTWISE.contains(n.getOpType())) {
          ok = n.getOutputCount() == 1;
        } else if (n.getOpType().equals("ReduceMean")) {
          ok = lastAxis(reduceAxes(n, constants, opset)) && Attributes.getInt(n, "keepdims", 1) == 1
              && n.getInputCount() <= 2;
          normalises = true;
        } else if (n.getOpType().equals("LayerNormalization")) {
          long axis = Attributes.getInt(n, "axis", -1);
          ok = (axis == -1 || axis == 3) && n.getInputCount() >= 2
              && (n.getOutputCount() == 1 || n.getOutputCount() > 1 && n.getOutput(1).isEmpty()
                  && (n.getOutputCount() < 3 || n.getOutput(2).isEmpty()));
          normalises = true;
        } else {
          ok = false;
        }
        if (!ok) {
          return null;
        }
        inner.add(k);
        todo.add(n.getOutput(0));
        inside.add(n.getOutput(0));
      }
    }
    if (!normalises || exits.isEmpty()) {
      return null;
    }
    // every operand is computed inside the region or is a constant of one value or one per channel
    for (int k : inner) {
      Onnx.NodeProto n = g.getNode(k);
      int operands = n.getOpType().equals("ReduceMean") ? 1 : n.getInputCount();
      for (int j = 0; j < operands; j++) {
        String in = n.getInput(j);
        if (in.isEmpty() || inside.contains(in)) {
          continue;
        }
        Onnx.TensorProto c = constants.get(in);
        if (c == null || !perChannel(c, channels)) {
          return null;
        }
      }
    }
    // and every tensor made inside leaves only through the Transposes back
    for (int k : inner) {
      for (int c : consumers.getOrDefault(g.getNode(k).getOutput(0), List.of())) {
        if (!inner.contains(c) && !exits.contains(c)) {
          return null;
        }
      }
    }
    List<Integer> ordered = new ArrayList<>(inner);
    ordered.sort(Integer::compare);
    return new Region(ordered, new ArrayList<>(exits));
  }

  private static boolean isTranspose(Onnx.NodeProto n, long[] perm) {
    return n.getOpType().equals("Transpose") && java.util.Arrays.equals(Attributes.getInts(n, "perm"), perm);
  }

  private static long[] reduceAxes(Onnx.NodeProto n, Map<String, Onnx.TensorProto> constants, int opset) {
    if (opset >= 18) {
      Onnx.TensorProto axes = n.getInputCount() > 1 ? constants.get(n.getInput(1)) : null;
      return axes == null ? null : TensorProtos.toLongs(axes);
    }
    return Attributes.getInts(n, "axes");
  }

  private static boolean lastAxis(long[] axes) {
    return axes != null && axes.length == 1 && (axes[0] == -1 || axes[0] == 3);
  }

  /** A float constant of one value, or of one value per channel (shape [C], or [1,1,1,C]). */
  private static boolean perChannel(Onnx.TensorProto c, long channels) {
    if (c.getDataType() != Onnx.TensorProto.DataType.FLOAT_VALUE) {
      return false;
    }
    long[] d = TensorProtos.dims(c);
    long count = TensorProtos.count(c);
    if (count == 1) {
      return d.length <= 4;
    }
    return count == channels && (d.length == 1 || d.length == 4 && d[0] == 1 && d[1] == 1 && d[2] == 1);
  }

  /** A region node written for NCHW tensors: reduced over axis 1, per-channel constants as [C,1,1]. */
  private static List<Onnx.NodeProto> nchw(Onnx.NodeProto n, Map<String, String> renamed,
      Map<String, Onnx.TensorProto> constants, long channels, int opset, List<Onnx.TensorProto> added,
      int[] counter) {
    // a ReduceMean's axes (an input from opset 18) are replaced, not copied
    int operands = n.getOpType().equals("ReduceMean") ? 1 : n.getInputCount();
    List<String> in = new ArrayList<>();
    for (String i : n.getInputList().subList(0, operands)) {
      if (i.isEmpty() || renamed.containsKey(i)) {
        in.add(i.isEmpty() ? i : renamed.get(i));
      } else {
        // a copy of every constant, so that the rewritten nodes do not depend on where a Constant node stood
        Onnx.TensorProto c = constants.get(i);
        String name = PREFIX + "const_" + counter[0]++;
        if (TensorProtos.count(c) == channels && channels > 1) {
          added.add(TensorProtos.ofFloats(name, new long[] {channels, 1, 1}, TensorProtos.toFloats(c)));
        } else {
          added.add(c.toBuilder().setName(name).build());
        }
        in.add(name);
      }
    }
    String out = renamed.get(n.getOutput(0));
    return switch (n.getOpType()) {
      case "ReduceMean" -> List.of(reduceMean(in.get(0), out, channelAxis(opset, added, counter)));
      case "LayerNormalization" -> layerNorm(n, in, out, opset, added, counter);
      default -> List.of(n.toBuilder().clearInput().addAllInput(in).clearOutput().addOutput(out)
          .setName(PREFIX + n.getName()).build());
    };
  }

  /**
   * LayerNormalization over the channel axis, written out: (x - mean) / sqrt(var + epsilon) * scale + bias. Its
   * tensors are named after its output, which is unique (exported nodes may have no name).
   */
  private static List<Onnx.NodeProto> layerNorm(Onnx.NodeProto n, List<String> in, String out, int opset,
      List<Onnx.TensorProto> added, int[] counter) {
    String axes = channelAxis(opset, added, counter);
    String eps = PREFIX + "epsilon_" + counter[0]++;
    added.add(TensorProtos.scalar(eps, Attributes.getFloat(n, "epsilon", 1e-5f)));
    String mean = out + "/mean";
    String centred = out + "/centred";
    String square = out + "/square";
    String variance = out + "/variance";
    String shifted = out + "/shifted";
    String std = out + "/std";
    String normalised = out + "/normalised";
    List<Onnx.NodeProto> nodes = new ArrayList<>();
    nodes.add(reduceMean(in.get(0), mean, axes));
    nodes.add(node("Sub", List.of(in.get(0), mean), centred));
    nodes.add(node("Mul", List.of(centred, centred), square));
    nodes.add(reduceMean(square, variance, axes));
    nodes.add(node("Add", List.of(variance, eps), shifted));
    nodes.add(node("Sqrt", List.of(shifted), std));
    nodes.add(node("Div", List.of(centred, std), normalised));
    boolean bias = in.size() > 2 && !in.get(2).isEmpty();
    String scaled = bias ? out + "/scaled" : out;
    nodes.add(node("Mul", List.of(normalised, in.get(1)), scaled));
    if (bias) {
      nodes.add(node("Add", List.of(scaled, in.get(2)), out));
    }
    return nodes;
  }

  /** ReduceMean's axes input [1] from opset 18 (a new constant), or null when axes is an attribute. */
  private static String channelAxis(int opset, List<Onnx.TensorProto> added, int[] counter) {
    if (opset < 18) {
      return null;
    }
    String axes = PREFIX + "axes_" + counter[0]++;
    added.add(TensorProtos.vector(axes, 1));
    return axes;
  }

  private static Onnx.NodeProto reduceMean(String x, String out, String axes) {
    Onnx.NodeProto.Builder b = Onnx.NodeProto.newBuilder().setOpType("ReduceMean").setName(out).addInput(x)
        .addOutput(out).addAttribute(Attributes.ofInt("keepdims", 1));
    if (axes != null) {
      b.addInput(axes);
    } else {
      b.addAttribute(Attributes.ofInts("axes", 1));
    }
    return b.build();
  }

  private static Onnx.NodeProto node(String type, List<String> inputs, String out) {
    return Onnx.NodeProto.newBuilder().setOpType(type).setName(out).addAllInput(inputs).addOutput(out).build();
  }
}
