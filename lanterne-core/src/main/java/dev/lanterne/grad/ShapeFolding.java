package dev.lanterne.grad;

import dev.lanterne.onnx.Attributes;
import dev.lanterne.onnx.Graphs;
import dev.lanterne.onnx.OnnxModels;
import dev.lanterne.onnx.TensorProtos;
import dev.lanterne.onnx.proto.Onnx;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Folds a graph's shape arithmetic into constants before it is differentiated. The model runs at a
 * fixed C, H and W, so every tensor computed from {@code Shape}/{@code Size} and constants alone
 * (Gather, Unsqueeze, Concat, Cast, Mul, Div, Range, ConstantOfShape, ...) is known once the probe has
 * run it (see {@link ShapeProbe}, which records those values at batch 1 and 2). Where such a tensor
 * feeds a node on the image's data path:
 *
 * <ul>
 *   <li>a value equal at both batches becomes an initializer;
 *   <li>an integer value whose changing elements double from batch 1 to batch 2 (N x 197, N x heads)
 *       becomes {@code base + N * k}, with N read from the input's shape (as {@code BatchRewrite} makes
 *       the batch a symbol);
 *   <li>anything else keeps its computation.
 * </ul>
 *
 * <p>So Slice bounds, Pad pads, Reshape shapes, Expand/Tile repeats, Resize scales, Split sizes and
 * Range limits are constants when the backward pass is built, whichever operators computed them.
 */
public final class ShapeFolding {
  private static final String PREFIX = "lanterne/folded/";

  private ShapeFolding() {}

  /**
   * The model with its shape arithmetic folded (the model itself when there is none); the new tensors
   * are added to {@code shapes}.
   *
   * @param input the image input
   * @param batched whether the model was probed at batch 2 as well (a batch-dynamic model)
   */
  public static Onnx.ModelProto fold(Onnx.ModelProto model, ProbedShapes shapes, String input, boolean batched) {
    Onnx.GraphProto g = model.getGraph();
    Set<String> dataPath = Graphs.reachableFrom(g, List.of(input), Set.of("Shape", "Size"));
    Map<String, Onnx.NodeProto> producer = new HashMap<>();
    for (Onnx.NodeProto n : g.getNodeList()) {
      n.getOutputList().forEach(o -> producer.put(o, n));
    }
    Set<String> taken = Graphs.names(g);
    Map<String, String> replacement = new HashMap<>();
    List<Onnx.TensorProto> inits = new ArrayList<>();
    List<Onnx.NodeProto> batchNodes = new ArrayList<>();
    String[] batchSize = new String[2]; // int64 and int32 scalar N, made on first use
    int opset = OnnxModels.opset(model);
    for (Onnx.NodeProto n : g.getNodeList()) {
      if (n.getInputList().stream().noneMatch(dataPath::contains)) {
        continue;
      }
      for (String in : n.getInputList()) {
        Onnx.NodeProto p = producer.get(in);
        if (in.isEmpty() || dataPath.contains(in) || replacement.containsKey(in) || p == null
            || p.getOpType().equals("Constant")) {
          continue;
        }
        Onnx.TensorProto[] v = shapes.values(in);
        if (v == null) {
          continue;
        }
        String name = Graphs.freshName(taken, PREFIX + in);
        if (!batched || v[1] == null || sameValue(v[0], v[1])) {
          inits.add(v[0].toBuilder().setName(name).build());
          shapes.put(name, TensorProtos.dims(v[0]), new boolean[v[0].getDimsCount()], v[0].getDataType());
          replacement.put(in, name);
        } else if (opset >= 7 && proportionalToBatch(v[0], v[1])) {
          String n1 = batchSize(batchSize, v[0].getDataType(), input, batchNodes, inits, taken);
          long[] v1 = TensorProtos.toLongs(v[0]);
          long[] v2 = TensorProtos.toLongs(v[1]);
          long[] base = new long[v1.length];
          long[] k = new long[v1.length];
          for (int i = 0; i < v1.length; i++) {
            base[i] = v1[i] == v2[i] ? v1[i] : 0;
            k[i] = v1[i] == v2[i] ? 0 : v1[i];
          }
          long[] dims = TensorProtos.dims(v[0]);
          String kName = Graphs.freshName(taken, name + "_per_image");
          String baseName = Graphs.freshName(taken, name + "_base");
          inits.add(TensorProtos.ofIntegers(kName, dims, k, v[0].getDataType()));
          inits.add(TensorProtos.ofIntegers(baseName, dims, base, v[0].getDataType()));
          String scaled = Graphs.freshName(taken, name + "_scaled");
          batchNodes.add(node("Mul", List.of(n1, kName), scaled));
          batchNodes.add(node("Add", List.of(baseName, scaled), name));
          shapes.put(name, dims, new boolean[dims.length], v[0].getDataType());
          replacement.put(in, name);
        }
      }
    }
    if (replacement.isEmpty()) {
      return model;
    }
    Onnx.GraphProto.Builder b = g.toBuilder().clearNode().addAllNode(batchNodes).addAllInitializer(inits);
    for (Onnx.NodeProto n : g.getNodeList()) {
      Onnx.NodeProto.Builder nb = n.toBuilder();
      for (int i = 0; i < nb.getInputCount(); i++) {
        String r = replacement.get(nb.getInput(i));
        if (r != null && n.getInputList().stream().anyMatch(dataPath::contains)) {
          nb.setInput(i, r);
        }
      }
      b.addNode(nb);
    }
    if (model.getIrVersion() < 4) {
      // before IR 4, every initializer must also be declared as a graph input
      for (Onnx.TensorProto t : inits) {
        b.addInput(GradientCompiler.valueInfo(t.getName(), TensorProtos.dims(t), new boolean[t.getDimsCount()],
            t.getDataType()));
      }
    }
    return model.toBuilder().setGraph(Graphs.pruneUnused(withoutDeadNodes(b.build()))).build();
  }

  /** Whether two probed values are the same tensor. */
  private static boolean sameValue(Onnx.TensorProto a, Onnx.TensorProto b) {
    return a.getDataType() == b.getDataType() && a.getDimsList().equals(b.getDimsList())
        && a.getRawData().equals(b.getRawData());
  }

  /** An integer tensor whose elements are each either fixed or doubled from batch 1 to batch 2. */
  private static boolean proportionalToBatch(Onnx.TensorProto one, Onnx.TensorProto two) {
    int type = one.getDataType();
    if ((type != Onnx.TensorProto.DataType.INT64_VALUE && type != Onnx.TensorProto.DataType.INT32_VALUE)
        || type != two.getDataType() || !one.getDimsList().equals(two.getDimsList())) {
      return false;
    }
    long[] a = TensorProtos.toLongs(one);
    long[] b = TensorProtos.toLongs(two);
    for (int i = 0; i < a.length; i++) {
      if (a[i] != b[i] && b[i] != 2 * a[i]) {
        return false;
      }
    }
    return true;
  }

  /** The scalar batch size N of the input, in the given integer type (emitted once per type). */
  private static String batchSize(String[] made, int type, String input, List<Onnx.NodeProto> nodes,
      List<Onnx.TensorProto> inits, Set<String> taken) {
    int slot = type == Onnx.TensorProto.DataType.INT64_VALUE ? 0 : 1;
    if (made[slot] != null) {
      return made[slot];
    }
    if (made[0] == null) {
      String shape = Graphs.freshName(taken, PREFIX + "input_shape");
      String zero = Graphs.freshName(taken, PREFIX + "batch_axis");
      inits.add(TensorProtos.ofLongs(zero, new long[0], new long[] {0}));
      made[0] = Graphs.freshName(taken, PREFIX + "batch_size");
      nodes.add(node("Shape", List.of(input), shape));
      nodes.add(node("Gather", List.of(shape, zero), made[0]));
    }
    if (slot == 1) {
      made[1] = Graphs.freshName(taken, PREFIX + "batch_size_int32");
      nodes.add(node("Cast", List.of(made[0]), made[1], Attributes.ofInt("to", type)));
    }
    return made[slot];
  }

  private static Onnx.NodeProto node(String type, List<String> inputs, String output, Onnx.AttributeProto... attrs) {
    return Onnx.NodeProto.newBuilder().setOpType(type).setName(output).addAllInput(inputs).addOutput(output)
        .addAllAttribute(List.of(attrs)).build();
  }

  /** Drops nodes none of whose outputs is read (by a kept node or as a graph output). */
  static Onnx.GraphProto withoutDeadNodes(Onnx.GraphProto g) {
    Set<String> used = new HashSet<>(Graphs.outputNames(g));
    List<Onnx.NodeProto> sorted = TopologicalOrder.sort(g);
    List<Onnx.NodeProto> kept = new ArrayList<>();
    for (int i = sorted.size() - 1; i >= 0; i--) {
      Onnx.NodeProto n = sorted.get(i);
      if (n.getOutputList().stream().anyMatch(used::contains) || hasSubgraph(n)) {
        kept.add(0, n);
        used.addAll(n.getInputList());
      }
    }
    return g.toBuilder().clearNode().addAllNode(kept).build();
  }

  private static boolean hasSubgraph(Onnx.NodeProto n) {
    return n.getAttributeList().stream().anyMatch(a -> a.hasG() || a.getGraphsCount() > 0);
  }
}
