package dev.lanterne.grad;

import dev.lanterne.onnx.Graphs;
import dev.lanterne.onnx.QdqFolding;
import dev.lanterne.onnx.proto.Onnx;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How the backward of a quantized (QDQ) model reads the forward part without touching it. ONNX
 * Runtime fuses each DequantizeLinear -> op -> QuantizeLinear group of the plain model into an int8
 * kernel only when the group's inner tensors have no other reader; a backward node reading one of
 * them would make the derived graph compute different scores from `classify`. So the backward reads:
 * <ul>
 *   <li>for a weight (DequantizeLinear of constants): a float32 constant, dequantized once at
 *       compile time exactly as ONNX Runtime dequantizes it (the backward runs in float);</li>
 *   <li>for a dequantized activation: its own DequantizeLinear of the same quantized tensor (the
 *       same values, bit for bit);</li>
 *   <li>for the output of an elementwise Relu or Clip applied to such an activation: the same
 *       operator applied to the backward's own copy.</li>
 * </ul>
 * Any other tensor is read directly; the score-equality tests catch a model where that changes the
 * forward part's kernels.
 */
final class QdqView implements GraphEmitter.ForwardView {
  private static final Set<String> RECOMPUTED = Set.of("Relu", "Clip");

  private final Map<String, Onnx.NodeProto> producers = new HashMap<>();
  private final Map<String, Onnx.TensorProto> constants;
  private final Map<String, String> resolved = new HashMap<>();
  private final Map<String, Onnx.TensorProto> folded = new HashMap<>();

  private QdqView(Onnx.GraphProto g) {
    this.constants = Graphs.constants(g);
    for (Onnx.NodeProto n : g.getNodeList()) {
      for (String o : n.getOutputList()) {
        producers.put(o, n);
      }
    }
  }

  /** The view for a graph with quantize/dequantize nodes, else the identity. */
  static GraphEmitter.ForwardView of(Onnx.GraphProto g) {
    boolean quantized = g.getNodeList().stream().anyMatch(QdqFolding::isQuantizeOrDequantize);
    return quantized ? new QdqView(g) : GraphEmitter.ForwardView.IDENTITY;
  }

  /**
   * The float values of weights stored as DequantizeLinear of constants, by the DequantizeLinear's
   * output name, for rules that need a constant's value.
   */
  static Map<String, Onnx.TensorProto> dequantizedConstants(Onnx.GraphProto g) {
    Map<String, Onnx.TensorProto> constants = Graphs.constants(g);
    Map<String, Onnx.TensorProto> out = new HashMap<>();
    for (Onnx.NodeProto n : g.getNodeList()) {
      if (n.getOpType().equals("DequantizeLinear") && QdqFolding.isQuantizeOrDequantize(n)) {
        Onnx.TensorProto v = QdqFolding.evaluate(n, constants);
        if (v != null) {
          out.put(n.getOutput(0), v);
        }
      }
    }
    return out;
  }

  @Override
  public String resolve(String tensor, GraphEmitter e) {
    String known = resolved.get(tensor);
    if (known != null) {
      return known;
    }
    String r = compute(tensor, e);
    resolved.put(tensor, r);
    return r;
  }

  private String compute(String tensor, GraphEmitter e) {
    Onnx.NodeProto p = producers.get(tensor);
    if (p == null || !(p.getDomain().isEmpty() || p.getDomain().equals("ai.onnx"))) {
      return tensor;
    }
    if (p.getOpType().equals("DequantizeLinear")) {
      Onnx.TensorProto value = folded.computeIfAbsent(tensor, t -> QdqFolding.evaluate(p, constants));
      if (value != null) {
        return e.constant(value);
      }
      return e.rawOp("DequantizeLinear", p.getInputList(), p.getAttributeList().toArray(new Onnx.AttributeProto[0]));
    }
    if (RECOMPUTED.contains(p.getOpType()) && p.getOutputCount() == 1) {
      String in = resolve(p.getInput(0), e);
      if (!in.equals(p.getInput(0))) {
        List<String> inputs = new java.util.ArrayList<>(p.getInputList());
        inputs.set(0, in);
        return e.rawOp(p.getOpType(), inputs, p.getAttributeList().toArray(new Onnx.AttributeProto[0]));
      }
    }
    return tensor;
  }
}
