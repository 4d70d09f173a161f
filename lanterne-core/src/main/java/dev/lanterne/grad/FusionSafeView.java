package dev.lanterne.grad;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.lanterne.onnx.Graphs;
import dev.lanterne.onnx.QdqFolding;
import dev.lanterne.onnx.proto.Onnx;
import dev.lanterne.runtime.OrtSessions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How the backward reads the forward part without changing it. ONNX Runtime fuses groups of the
 * plain model's nodes (a quantized model's DequantizeLinear -> Conv -> QuantizeLinear into one int8
 * kernel, a decomposed LayerNorm into one LayerNormalization, ...) only when the group's inner tensors
 * have no other reader; a backward node reading one of them would make the derived graph compute
 * other kernels, and other scores than `classify`. So the compiler asks ONNX Runtime which of the
 * plain model's tensors survive its graph optimisations (the fusion boundaries), and the backward
 * reads:
 * <ul>
 *   <li>a surviving tensor, a graph input or a constant: directly;</li>
 *   <li>a weight stored as DequantizeLinear of constants: a float32 constant, dequantized once at
 *       compile time exactly as ONNX Runtime dequantizes it (the backward runs in float);</li>
 *   <li>a tensor fused away: its own copy, recomputed by copies of the forward nodes from surviving
 *       tensors (a dequantized activation is its own DequantizeLinear of the quantized tensor, the
 *       same values bit for bit).</li>
 * </ul>
 */
final class FusionSafeView implements GraphEmitter.ForwardView {
  private final Map<String, Onnx.NodeProto> producers = new HashMap<>();
  private final Map<String, Onnx.TensorProto> constants;
  private final Set<String> survivors;
  private final Set<String> inputs = new HashSet<>();
  private final Map<String, String> resolved = new HashMap<>();

  FusionSafeView(Onnx.GraphProto g, Set<String> survivors) {
    this.constants = Graphs.constants(g);
    this.survivors = survivors;
    g.getInputList().forEach(v -> inputs.add(v.getName()));
    g.getOutputList().forEach(v -> survivors.add(v.getName()));
    for (Onnx.NodeProto n : g.getNodeList()) {
      for (String o : n.getOutputList()) {
        producers.put(o, n);
      }
    }
  }

  /**
   * The model as ONNX Runtime optimises it for this machine's CPU, at the level below layout
   * transforms (which move data but do not change what is computed), or null when that fails.
   */
  static Onnx.ModelProto optimise(Onnx.ModelProto model) {
    Path tmp = null;
    try {
      tmp = Files.createTempFile("lanterne-optimised", ".onnx");
      try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
        so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.EXTENDED_OPT);
        so.setIntraOpNumThreads(1);
        so.setOptimizedModelFilePath(tmp.toString());
        OrtSessions.environment().createSession(model.toByteArray(), so).close();
      }
      return Onnx.ModelProto.parseFrom(Files.readAllBytes(tmp));
    } catch (OrtException | IOException | RuntimeException e) {
      return null;
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException e) {
          // a leftover temporary file is harmless
        }
      }
    }
  }

  /** Names of the tensors an (optimised) graph computes or reads. */
  static Set<String> names(Onnx.GraphProto g) {
    Set<String> names = new HashSet<>();
    for (Onnx.NodeProto n : g.getNodeList()) {
      names.addAll(n.getInputList());
      names.addAll(n.getOutputList());
    }
    g.getInputList().forEach(v -> names.add(v.getName()));
    g.getOutputList().forEach(v -> names.add(v.getName()));
    return names;
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

  /**
   * The tensor a node's output equals value for value, when the node is a no-op on what it reads: a
   * Clip whose bounds hold every value of its dequantized input's grid (a QDQ model's ReLU6 on [0, 6]),
   * or a QuantizeLinear of such a dequantized tensor onto the same grid (it gives back the codes).
   * Reading the earlier tensor saves recomputing the node, and lets the masks of both share one node.
   */
  private String sameValues(Onnx.NodeProto p) {
    if (QuantGrid.is(p, "Clip")) {
      Onnx.NodeProto dq = producers.get(p.getInput(0));
      QuantGrid grid = QuantGrid.is(dq, "DequantizeLinear") ? QuantGrid.of(dq, constants) : null;
      return grid != null && grid.keptBy(p, constants) ? p.getInput(0) : null;
    }
    if (QuantGrid.is(p, "QuantizeLinear")) {
      QuantGrid grid = QuantGrid.of(p, constants);
      String x = p.getInput(0);
      for (String next = x; next != null; next = sameValues(producers.get(x))) {
        x = next;
      }
      Onnx.NodeProto dq = producers.get(x);
      return grid != null && QuantGrid.is(dq, "DequantizeLinear") && grid.equals(QuantGrid.of(dq, constants))
          ? dq.getInput(0) : null;
    }
    return null;
  }

  private String compute(String tensor, GraphEmitter e) {
    Onnx.NodeProto p = producers.get(tensor);
    if (p == null || inputs.contains(tensor) || constants.containsKey(tensor)) {
      return tensor;
    }
    if (QdqFolding.isQuantizeOrDequantize(p)) {
      Onnx.TensorProto value = QdqFolding.evaluate(p, constants);
      if (value != null) {
        return e.constant(value);
      }
    }
    if (survivors.contains(tensor)) {
      return tensor;
    }
    String same = sameValues(p);
    if (same != null) {
      return resolve(same, e);
    }
    List<String> in = new ArrayList<>(p.getInputCount());
    for (String i : p.getInputList()) {
      in.add(i.isEmpty() ? i : resolve(i, e));
    }
    String[] outs = e.rawOpN(p.getOpType(), p.getDomain(), in, p.getOutputCount(),
        p.getAttributeList().toArray(new Onnx.AttributeProto[0]));
    for (int k = 0; k < outs.length; k++) {
      if (!p.getOutput(k).isEmpty()) {
        resolved.put(p.getOutput(k), outs[k]);
      }
    }
    return resolved.get(tensor);
  }
}
