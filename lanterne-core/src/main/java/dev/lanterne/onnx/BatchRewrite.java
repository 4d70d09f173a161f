package dev.lanterne.onnx;

import dev.lanterne.LanterneException;
import dev.lanterne.onnx.proto.Onnx;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Makes a model's batch dimension dynamic where the graph allows it (for example a Reshape whose
 * shape constant hard-codes 1), so that fixed-batch models run batched.
 *
 * <p>The rewrite sets dimension 0 of the runtime inputs and of the outputs to a symbol, drops the
 * stale shapes of value_info, and rewrites the constants of the nodes that hard-code the batch of 1
 * on the data path: Reshape targets ([1, K] becomes [-1, K], or [0, ...] when the target already has
 * a -1) and Slice ends on axis 0. Nodes that mix the batch with other axes (a Transpose that moves
 * axis 0, Flatten at axis 0, a Concat, Gather, Split, Squeeze or reduction over axis 0) make the
 * rewrite impossible. Callers must still verify the result: {@code Classifier} compares a batch of
 * two with two single runs.
 */
public final class BatchRewrite {
  private BatchRewrite() {}

  /** Symbolic name given to the batch dimension. */
  public static final String BATCH = "N";

  /** The rewritten model, or empty when the graph cannot be made batch-dynamic. */
  public static Optional<byte[]> makeBatchDynamic(byte[] model) {
    Onnx.ModelProto m;
    try {
      m = OnnxModels.parse(model, "model");
    } catch (LanterneException e) {
      return Optional.empty();
    }
    Onnx.GraphProto g = m.getGraph();
    List<Onnx.ValueInfoProto> inputs = Graphs.runtimeInputs(g);
    if (inputs.isEmpty() || inputs.stream().anyMatch(v -> batchDim(v) == null)) {
      return Optional.empty();
    }
    if (inputs.stream().noneMatch(v -> batchDim(v).hasDimValue())) {
      return Optional.of(model);
    }
    if (inputs.stream().anyMatch(v -> batchDim(v).hasDimValue() && batchDim(v).getDimValue() != 1)) {
      return Optional.empty();
    }
    // shapes computed by Shape or Size are already dynamic and carry no batch axis of their own
    Set<String> dataPath = Graphs.reachableFrom(g, inputs.stream().map(Onnx.ValueInfoProto::getName).toList(),
        Set.of("Shape", "Size"));
    Onnx.GraphProto.Builder b = g.toBuilder().clearNode();
    ConstantRewriter constants = new ConstantRewriter(g, b);
    int opset = OnnxModels.opset(m);
    for (Onnx.NodeProto n : g.getNodeList()) {
      boolean onDataPath = n.getInputList().stream().anyMatch(dataPath::contains);
      Onnx.NodeProto rewritten = onDataPath ? rewriteNode(n, constants, opset) : n;
      if (rewritten == null) {
        return Optional.empty();
      }
      b.addNode(rewritten);
    }
    Set<String> inputNames = Set.copyOf(inputs.stream().map(Onnx.ValueInfoProto::getName).toList());
    for (int i = 0; i < b.getInputCount(); i++) {
      if (inputNames.contains(b.getInput(i).getName())) {
        b.setInput(i, withDynamicBatch(b.getInput(i)));
      }
    }
    for (int i = 0; i < b.getOutputCount(); i++) {
      if (dataPath.contains(b.getOutput(i).getName())) {
        b.setOutput(i, withDynamicBatch(b.getOutput(i)));
      }
    }
    for (int i = 0; i < b.getValueInfoCount(); i++) {
      Onnx.ValueInfoProto v = b.getValueInfo(i);
      if (v.getType().hasTensorType()) {
        b.setValueInfo(i, v.toBuilder().setType(v.getType().toBuilder()
            .setTensorType(v.getType().getTensorType().toBuilder().clearShape())).build());
      }
    }
    return Optional.of(m.toBuilder().setGraph(Graphs.pruneUnused(b.build())).build().toByteArray());
  }

  private static Onnx.TensorShapeProto.Dimension batchDim(Onnx.ValueInfoProto v) {
    Onnx.TypeProto.Tensor t = v.getType().getTensorType();
    return t.hasShape() && t.getShape().getDimCount() > 0 ? t.getShape().getDim(0) : null;
  }

  private static Onnx.ValueInfoProto withDynamicBatch(Onnx.ValueInfoProto v) {
    Onnx.TypeProto.Tensor t = v.getType().getTensorType();
    if (!t.hasShape() || t.getShape().getDimCount() == 0) {
      return v;
    }
    Onnx.TensorShapeProto shape = t.getShape().toBuilder()
        .setDim(0, Onnx.TensorShapeProto.Dimension.newBuilder().setDimParam(BATCH)).build();
    return v.toBuilder().setType(v.getType().toBuilder().setTensorType(t.toBuilder().setShape(shape))).build();
  }

  /** The node with batch-1 constants made dynamic, the node itself if it needs nothing, or null. */
  private static Onnx.NodeProto rewriteNode(Onnx.NodeProto n, ConstantRewriter constants, int opset) {
    return switch (n.getOpType()) {
      case "Reshape" -> reshape(n, constants);
      case "Slice" -> opset < 10 ? sliceAttributes(n) : sliceInputs(n, constants);
      case "Transpose" -> {
        long[] perm = Attributes.getInts(n, "perm");
        yield perm == null || perm[0] != 0 ? null : n;
      }
      case "Flatten" -> Attributes.getInt(n, "axis", 1) == 0 ? null : n;
      case "Concat", "Gather", "Split", "Softmax", "LogSoftmax", "Hardmax" ->
          touchesBatch(Attributes.getInt(n, "axis", defaultAxis(n.getOpType(), opset))) ? null : n;
      case "Squeeze", "ReduceMean", "ReduceSum", "ReduceMax", "ReduceMin", "ReduceProd", "ReduceL2",
          "ReduceL1", "ReduceLogSumExp", "ReduceSumSquare" -> axesKeepBatch(n, constants) ? n : null;
      default -> n;
    };
  }

  private static int defaultAxis(String op, int opset) {
    boolean softmaxFamily = op.equals("Softmax") || op.equals("LogSoftmax") || op.equals("Hardmax");
    return softmaxFamily ? (opset < 13 ? 1 : -1) : 0;
  }

  private static boolean touchesBatch(long axis) {
    return axis == 0;
  }

  /** Squeeze and reductions keep the batch when their axes are given and exclude axis 0. */
  private static boolean axesKeepBatch(Onnx.NodeProto n, ConstantRewriter constants) {
    long[] axes = Attributes.getInts(n, "axes");
    if (axes == null && n.getInputCount() > 1 && !n.getInput(1).isEmpty()) {
      axes = constants.longs(n.getInput(1));
      if (axes == null) {
        return false;
      }
    }
    if (axes == null) {
      // no axes: Squeeze drops every 1 (the batch of 1 too); a reduction reduces everything
      boolean noop = Attributes.getInt(n, "noop_with_empty_axes", 0) != 0;
      return noop;
    }
    for (long a : axes) {
      if (a == 0) {
        return false;
      }
    }
    return true;
  }

  private static Onnx.NodeProto reshape(Onnx.NodeProto n, ConstantRewriter constants) {
    boolean shapeAttribute = n.getInputCount() < 2; // Reshape-1 (opsets 1-4) has a shape attribute
    long[] shape = shapeAttribute ? Attributes.getInts(n, "shape") : constants.longs(n.getInput(1));
    if (shape == null) {
      // a computed shape: dynamic already if it is derived from the input's Shape
      return shapeAttribute ? null : n;
    }
    long[] fixed = batchFreeTarget(shape, Attributes.getInt(n, "allowzero", 0) != 0);
    if (fixed == null || fixed == shape) {
      return fixed == null ? null : n;
    }
    if (shapeAttribute) {
      Onnx.NodeProto.Builder nb = n.toBuilder();
      for (int i = 0; i < nb.getAttributeCount(); i++) {
        if (nb.getAttribute(i).getName().equals("shape")) {
          nb.setAttribute(i, Attributes.ofInts("shape", fixed));
        }
      }
      return nb.build();
    }
    return n.toBuilder().setInput(1, constants.replacement(n.getInput(1), fixed)).build();
  }

  /**
   * A Reshape target that keeps the batch: the target itself when it already does (0 or -1 first),
   * [1, K...] made [-1, K...] (or [0, K...] when another axis is -1), or null when the target
   * merges the batch into other axes.
   */
  private static long[] batchFreeTarget(long[] shape, boolean allowZero) {
    boolean keepsBatch = shape.length > 0 && (shape[0] == -1 || shape[0] == 1 || (shape[0] == 0 && !allowZero));
    if (!keepsBatch) {
      return null;
    }
    if (shape[0] != 1) {
      return shape;
    }
    long[] fixed = shape.clone();
    boolean hasInferred = false;
    for (int i = 1; i < shape.length; i++) {
      hasInferred |= shape[i] == -1;
    }
    if (!hasInferred) {
      fixed[0] = -1;
    } else if (!allowZero) {
      fixed[0] = 0;
    } else {
      return null;
    }
    return fixed;
  }

  /** Opset 10+: starts, ends, axes, steps are inputs. A slice of axis 0 must keep it whole. */
  private static Onnx.NodeProto sliceInputs(Onnx.NodeProto n, ConstantRewriter constants) {
    long[] starts = constants.longs(n.getInput(1));
    long[] ends = constants.longs(n.getInput(2));
    boolean hasAxes = n.getInputCount() > 3 && !n.getInput(3).isEmpty();
    long[] axes = hasAxes ? constants.longs(n.getInput(3)) : null;
    boolean hasSteps = n.getInputCount() > 4 && !n.getInput(4).isEmpty();
    long[] steps = hasSteps ? constants.longs(n.getInput(4)) : null;
    if (starts == null || ends == null || (hasAxes && axes == null) || (hasSteps && steps == null)) {
      return null;
    }
    int k = batchAxisIndex(axes, starts.length);
    if (k < 0) {
      return n;
    }
    if (starts[k] != 0 || ends[k] < 1 || (steps != null && steps[k] != 1)) {
      return null;
    }
    long[] newEnds = ends.clone();
    newEnds[k] = Long.MAX_VALUE;
    return n.toBuilder().setInput(2, constants.replacement(n.getInput(2), newEnds)).build();
  }

  /** Opset 1-9: starts, ends, axes are attributes. */
  private static Onnx.NodeProto sliceAttributes(Onnx.NodeProto n) {
    long[] starts = Attributes.getInts(n, "starts");
    long[] ends = Attributes.getInts(n, "ends");
    if (starts == null || ends == null) {
      return null;
    }
    int k = batchAxisIndex(Attributes.getInts(n, "axes"), starts.length);
    if (k < 0) {
      return n;
    }
    if (starts[k] != 0 || ends[k] < 1) {
      return null;
    }
    long[] newEnds = ends.clone();
    newEnds[k] = Long.MAX_VALUE;
    Onnx.NodeProto.Builder nb = n.toBuilder();
    for (int i = 0; i < nb.getAttributeCount(); i++) {
      if (nb.getAttribute(i).getName().equals("ends")) {
        nb.setAttribute(i, Attributes.ofInts("ends", newEnds));
      }
    }
    return nb.build();
  }

  /** Position of axis 0 in a Slice's axes (absent axes mean 0, 1, 2, ...), or -1. */
  private static int batchAxisIndex(long[] axes, int count) {
    if (axes == null) {
      return count > 0 ? 0 : -1;
    }
    for (int i = 0; i < axes.length; i++) {
      if (axes[i] == 0) {
        return i;
      }
    }
    return -1;
  }

  /** Reads integer constants and adds rewritten copies under new names (the originals may be shared). */
  private static final class ConstantRewriter {
    private final Map<String, Onnx.TensorProto> constants;
    private final Set<String> names;
    private final Onnx.GraphProto.Builder graph;

    ConstantRewriter(Onnx.GraphProto g, Onnx.GraphProto.Builder graph) {
      this.constants = Graphs.constants(g);
      this.names = Graphs.names(g);
      this.graph = graph;
    }

    long[] longs(String name) {
      Onnx.TensorProto t = constants.get(name);
      if (t == null || (t.getDataType() != Onnx.TensorProto.DataType.INT64_VALUE
          && t.getDataType() != Onnx.TensorProto.DataType.INT32_VALUE)) {
        return null;
      }
      return TensorProtos.toLongs(t);
    }

    /** Adds a copy of an integer vector constant with new values, and returns its name. */
    String replacement(String original, long[] values) {
      Onnx.TensorProto t = constants.get(original);
      long[] fitted = values.clone();
      if (t.getDataType() == Onnx.TensorProto.DataType.INT32_VALUE) {
        for (int i = 0; i < fitted.length; i++) {
          fitted[i] = Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, fitted[i]));
        }
      }
      String name = Graphs.freshName(names, original + "_batch_dynamic");
      graph.addInitializer(TensorProtos.ofIntegers(name, TensorProtos.dims(t), fitted, t.getDataType()));
      return name;
    }
  }
}
