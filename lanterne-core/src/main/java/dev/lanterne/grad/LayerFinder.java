package dev.lanterne.grad;

import dev.lanterne.LanterneException;
import dev.lanterne.onnx.Attributes;
import dev.lanterne.onnx.Graphs;
import dev.lanterne.onnx.TensorProtos;
import dev.lanterne.onnx.proto.Onnx;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Finds Grad-CAM layers: candidate spatial activations in any {@link SpatialLayout} (channels first,
 * channels last, tokens), and the default one, the last spatial map before the head: the tensor
 * feeding the last global pooling, or for a token model whose head reads a class token, the last
 * tensor of the model's width feeding the last attention (in a pre-norm ViT, the last block's first
 * LayerNorm, as pytorch-grad-cam uses). Also finds the attention maps (the Softmax of each block).
 */
public final class LayerFinder {
  private static final Set<String> PASS_THROUGH = Set.of("Identity", "Dropout", "QuantizeLinear", "DequantizeLinear");
  private static final Set<String> POOLING = Set.of("GlobalAveragePool", "GlobalMaxPool", "AveragePool", "MaxPool",
      "ReduceMean", "ReduceMax", "ReduceSum");

  private LayerFinder() {}

  /**
   * A candidate layer: a spatial activation on a path from the input to the scores.
   *
   * @param tensor the tensor's name
   * @param op the operator that computes it
   * @param shape its shape at batch 1
   * @param layout how it holds its spatial map
   */
  public record Layer(String tensor, String op, long[] shape, SpatialLayout layout) {
    /** A short name: the tensor name without the exporter's common suffixes, for listings. */
    public String shortName() {
      String s = tensor;
      for (String suffix : List.of("_output_0", ":0")) {
        if (s.endsWith(suffix)) {
          s = s.substring(0, s.length() - suffix.length());
        }
      }
      if (s.startsWith("/")) {
        s = s.substring(1);
      }
      return s;
    }
  }

  /**
   * An attention map: the output of a Softmax over keys, [N*heads,T,T] or [N,heads,T,T] at batch 1.
   *
   * @param tensor the Softmax output
   * @param heads heads per image
   * @param tokens T
   */
  public record Attention(String tensor, int heads, int tokens) {}

  /** Node outputs on the input-to-scores path that hold a spatial map, in graph order. */
  public static List<Layer> candidates(Onnx.GraphProto graph, ProbedShapes shapes, Backprop paths, long[] chw) {
    List<Layer> out = new ArrayList<>();
    for (Onnx.NodeProto n : TopologicalOrder.sort(graph)) {
      for (String o : n.getOutputList()) {
        // the compiler's own rewrite of a channels-last LayerNorm is not a layer of the model
        if (paths.onPath(o) && shapes.isFloat(o) && !o.startsWith(ChannelLastNorms.PREFIX)) {
          layout(shapes, o, chw).ifPresent(l -> out.add(new Layer(o, n.getOpType(), shapes.dims(o), l)));
        }
      }
    }
    return out;
  }

  /** The layout of tensor t, if it holds a spatial map (channels of 1 are not maps, except channels first). */
  public static Optional<SpatialLayout> layout(ProbedShapes shapes, String t, long[] chw) {
    if (!shapes.has(t)) {
      return Optional.empty();
    }
    return SpatialLayout.of(shapes.dims(t), chw[1], chw[2]);
  }

  /**
   * The default Grad-CAM layer: the tensor feeding the last global pooling over the spatial axes
   * (GlobalAveragePool, or AveragePool/MaxPool down to 1x1, or ReduceMean/ReduceMax over exactly the
   * spatial axes), looking through identity-like nodes; else, for a token model, the last tensor of
   * the model's width that feeds the last attention map; else the last spatial activation.
   */
  public static String defaultLayer(Onnx.GraphProto graph, ProbedShapes shapes, Backprop paths, long[] chw) {
    List<Onnx.NodeProto> order = TopologicalOrder.sort(graph);
    Map<String, Onnx.NodeProto> producer = new HashMap<>();
    for (Onnx.NodeProto n : order) {
      n.getOutputList().forEach(o -> producer.put(o, n));
    }
    Map<String, Onnx.TensorProto> constants = Graphs.constants(graph);
    for (int i = order.size() - 1; i >= 0; i--) {
      Onnx.NodeProto n = order.get(i);
      if (n.getInputCount() == 0 || !paths.onPath(n.getInput(0)) || !isGlobalPooling(n, shapes, chw, constants)) {
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
    List<Layer> all = candidates(graph, shapes, paths, chw);
    Optional<String> token = tokenDefault(order, producer, shapes, paths, chw, all);
    if (token.isPresent()) {
      return token.get();
    }
    if (all.isEmpty()) {
      throw new LanterneException("the model has no spatial activation for Grad-CAM; name a layer"
          + " (see 'lanterne layers')", LanterneException.FAILURE, null, "layer");
    }
    return all.get(all.size() - 1).tensor();
  }

  /**
   * For a token model: the model width is the channel count of the last token tensor; the default is
   * the last token tensor of that width among the ancestors of the last attention map (the last
   * block's first LayerNorm in a pre-norm ViT), or the last token tensor when there is no attention.
   */
  private static Optional<String> tokenDefault(List<Onnx.NodeProto> order, Map<String, Onnx.NodeProto> producer,
      ProbedShapes shapes, Backprop paths, long[] chw, List<Layer> all) {
    List<Layer> tokens = all.stream().filter(l -> l.layout().kind() == SpatialLayout.Kind.TOKENS).toList();
    if (tokens.isEmpty()) {
      return Optional.empty();
    }
    Layer last = tokens.get(tokens.size() - 1);
    List<Attention> attention = attentionMaps(order, shapes, paths);
    if (attention.isEmpty()) {
      return Optional.of(last.tensor());
    }
    Set<String> ancestors = ancestors(producer, attention.get(attention.size() - 1).tensor());
    String best = null;
    for (Layer l : tokens) {
      if (ancestors.contains(l.tensor()) && l.layout().channels() == last.layout().channels()
          && l.layout().prefixTokens() == last.layout().prefixTokens()) {
        best = l.tensor();
      }
    }
    return Optional.of(best != null ? best : last.tensor());
  }

  private static Set<String> ancestors(Map<String, Onnx.NodeProto> producer, String t) {
    Set<String> seen = new HashSet<>();
    Deque<String> todo = new ArrayDeque<>(List.of(t));
    while (!todo.isEmpty()) {
      Onnx.NodeProto p = producer.get(todo.pop());
      if (p == null) {
        continue;
      }
      for (String in : p.getInputList()) {
        if (!in.isEmpty() && seen.add(in)) {
          todo.push(in);
        }
      }
    }
    return seen;
  }

  /**
   * The attention maps on the input-to-scores path, in graph order: outputs of a Softmax over the
   * last axis of a [N*heads,T,T] or [N,heads,T,T] tensor (T &gt; 1) that a MatMul multiplies with the values.
   */
  public static List<Attention> attentionMaps(Onnx.GraphProto graph, ProbedShapes shapes, Backprop paths) {
    return attentionMaps(TopologicalOrder.sort(graph), shapes, paths);
  }

  private static List<Attention> attentionMaps(List<Onnx.NodeProto> order, ProbedShapes shapes, Backprop paths) {
    Set<String> matmulInputs = new HashSet<>();
    for (Onnx.NodeProto n : order) {
      if (n.getOpType().equals("MatMul") || n.getOpType().equals("Einsum")) {
        matmulInputs.addAll(n.getInputList());
      }
    }
    List<Attention> out = new ArrayList<>();
    for (Onnx.NodeProto n : order) {
      if (!n.getOpType().equals("Softmax") || n.getOutputCount() != 1) {
        continue;
      }
      String o = n.getOutput(0);
      if (!paths.onPath(o) || !shapes.has(o) || !matmulInputs.contains(o)) {
        continue;
      }
      long[] d = shapes.dims(o);
      int rank = d.length;
      long axis = Attributes.getInt(n, "axis", -1);
      if (axis < 0) {
        axis += rank;
      }
      if ((rank != 3 && rank != 4) || d[rank - 1] != d[rank - 2] || d[rank - 1] < 2 || axis != rank - 1) {
        continue;
      }
      long heads = rank == 3 ? d[0] : d[0] * d[1];
      out.add(new Attention(o, (int) heads, (int) d[rank - 1]));
    }
    return out;
  }

  private static boolean isGlobalPooling(Onnx.NodeProto n, ProbedShapes shapes, long[] chw,
      Map<String, Onnx.TensorProto> constants) {
    String op = n.getOpType();
    if (!POOLING.contains(op) || !shapes.has(n.getInput(0)) || !shapes.has(n.getOutput(0))) {
      return false;
    }
    Optional<SpatialLayout> layout = layout(shapes, n.getInput(0), chw);
    if (layout.isEmpty()) {
      return false;
    }
    SpatialLayout l = layout.get();
    long[] in = shapes.dims(n.getInput(0));
    if (op.startsWith("Reduce")) {
      long[] axes = reducedAxes(n, in.length, constants);
      long[] spatial = l.spatialAxes();
      return axes != null && Arrays.equals(axes, spatial);
    }
    if (l.kind() != SpatialLayout.Kind.NCHW) {
      return false;
    }
    if (op.startsWith("Global")) {
      return true;
    }
    long[] out = shapes.dims(n.getOutput(0));
    return out.length == 4 && out[2] * out[3] == 1;
  }

  /** The sorted, non-negative axes a Reduce* node reduces (attribute or input), null when unknown. */
  static long[] reducedAxes(Onnx.NodeProto n, int rank, Map<String, Onnx.TensorProto> constants) {
    long[] axes = null;
    if (Attributes.has(n, "axes")) {
      axes = Attributes.getInts(n, "axes");
    } else if (n.getInputCount() > 1 && !n.getInput(1).isEmpty()) {
      Onnx.TensorProto t = constants.get(n.getInput(1));
      if (t == null) {
        return null;
      }
      axes = TensorProtos.toLongs(t);
    }
    if (axes == null || axes.length == 0) {
      if (Attributes.getInt(n, "noop_with_empty_axes", 0) != 0) {
        return new long[0];
      }
      axes = new long[rank];
      for (int i = 0; i < rank; i++) {
        axes[i] = i;
      }
    }
    long[] out = axes.clone();
    for (int i = 0; i < out.length; i++) {
      if (out[i] < 0) {
        out[i] += rank;
      }
    }
    Arrays.sort(out);
    return out;
  }

  /**
   * Resolves what the user passed as --layer: a tensor name, the index shown by `lanterne layers`, or a
   * substring (case-insensitive) matching exactly one candidate.
   */
  public static String resolve(String wanted, List<Layer> candidates, ProbedShapes shapes) {
    if (shapes.has(wanted)) {
      return wanted;
    }
    if (wanted.matches("\\d+")) {
      int i = Integer.parseInt(wanted);
      if (i < candidates.size()) {
        return candidates.get(i).tensor();
      }
      throw LanterneException.usage("layer", "layer index " + i + " is out of range; the model has " + candidates.size()
          + " candidate layers (0 to " + (candidates.size() - 1) + "), see 'lanterne layers'");
    }
    String w = wanted.toLowerCase(Locale.ROOT);
    List<Layer> hits = candidates.stream().filter(l -> l.tensor().toLowerCase(Locale.ROOT).contains(w)).toList();
    if (hits.size() == 1) {
      return hits.get(0).tensor();
    }
    if (hits.isEmpty()) {
      throw LanterneException.usage("layer", "no layer matches '" + wanted + "'; list the candidates with"
          + " 'lanterne layers' and give a name, index or unique part of a name");
    }
    throw LanterneException.usage("layer", "'" + wanted + "' matches " + hits.size() + " layers (" + hits.get(0).shortName()
        + ", " + hits.get(1).shortName() + (hits.size() > 2 ? ", ..." : "") + "); pass the index or a longer name"
        + " from 'lanterne layers'");
  }
}
