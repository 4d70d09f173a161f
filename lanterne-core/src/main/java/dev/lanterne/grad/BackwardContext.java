package dev.lanterne.grad;

import dev.lanterne.LanterneException;
import dev.lanterne.onnx.Attributes;
import dev.lanterne.onnx.TensorProtos;
import dev.lanterne.onnx.proto.Onnx;
import java.util.Map;

/** What a gradient rule may use: the emitter, the variant, constants, and which inputs need gradients. */
public final class BackwardContext {
  private final GraphEmitter emitter;
  private final Variant variant;
  private final Map<String, Onnx.TensorProto> constants;
  private final java.util.function.UnaryOperator<String> reference;
  private final Map<String, Onnx.NodeProto> producers;
  private boolean[] needs;
  private Onnx.NodeProto node;

  BackwardContext(GraphEmitter emitter, Variant variant, Map<String, Onnx.TensorProto> constants,
      java.util.function.UnaryOperator<String> reference, Map<String, Onnx.NodeProto> producers) {
    this.producers = producers;
    this.emitter = emitter;
    this.variant = variant;
    this.constants = constants;
    this.reference = reference;
  }

  /**
   * The reference-pass counterpart of a forward tensor (DeepLift graphs only; constants map to
   * themselves).
   */
  public String reference(String tensor) {
    if (reference == null) {
      throw unsupported("a reference-based rule outside a graph with a reference pass");
    }
    return reference.apply(tensor);
  }

  void focus(Onnx.NodeProto node, boolean[] needs) {
    this.node = node;
    this.needs = needs;
  }

  /** The emitter that rules append their backward nodes to. */
  public GraphEmitter emit() {
    return emitter;
  }

  /** The probed shapes and types of the forward graph's tensors. */
  public ProbedShapes shapes() {
    return emitter.shapes();
  }

  /** The model's ONNX opset (default domain), which decides the form of emitted operators. */
  public int opset() {
    return emitter.opset();
  }

  /** The backward variant being compiled. */
  public Variant variant() {
    return variant;
  }

  /** Whether input i lies on a path from the image to the scores (and so needs a gradient). */
  public boolean needs(int i) {
    return i < needs.length && needs[i];
  }

  /** The value of a constant tensor (an initializer or a Constant node's output), or null. */
  public Onnx.TensorProto constant(String name) {
    return name == null || name.isEmpty() ? null : constants.get(name);
  }

  /**
   * The grid of a forward tensor that is DequantizeLinear of a QuantizeLinear on the same grid (a QDQ
   * model's activation, whose straight-through mask zeroes both end codes), or null.
   */
  public QuantGrid quantizedActivation(String tensor) {
    return QuantGrid.ofQuantizedActivation(tensor, producers, constants);
  }

  /** The grid of a Q or DQ node with a constant scalar scale and zero point, or null. */
  public QuantGrid grid(Onnx.NodeProto n) {
    return QuantGrid.of(n, constants);
  }

  /** Whether the current node (a Clip) returns every value on the grid unchanged. */
  public boolean clipKeeps(QuantGrid grid) {
    return grid.keptBy(node, constants);
  }

  /** Integer values of a constant input; fails clearly when the input is computed at run time. */
  public long[] constantInts(String name, String what) {
    Onnx.TensorProto t = constant(name);
    if (t == null) {
      throw unsupported(what + " computed at run time");
    }
    return TensorProtos.toLongs(t);
  }

  /** An INTS attribute, or (from opset `inputFrom`) constant input `index`; null when neither is given. */
  public long[] intsAttrOrInput(String attr, int inputFrom, int index) {
    if (opset() >= inputFrom) {
      return node.getInputCount() > index && !node.getInput(index).isEmpty()
          ? constantInts(node.getInput(index), attr) : null;
    }
    return Attributes.getInts(node, attr);
  }

  /** The error for a form of the current node that its rule does not handle, naming node, operator and why. */
  public LanterneException unsupported(String why) {
    return new NotDifferentiableException(node.getName(), node.getOpType(), "cannot differentiate "
        + node.getOpType() + " node '" + node.getName() + "' (" + why + ")");
  }

  /** An axis made non-negative. */
  public static long axis(long a, int rank) {
    return a < 0 ? a + rank : a;
  }
}
