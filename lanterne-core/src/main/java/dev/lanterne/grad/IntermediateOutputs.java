package dev.lanterne.grad;

import dev.lanterne.onnx.proto.Onnx;
import java.util.HashSet;
import java.util.Set;

/**
 * Exposes intermediate tensors as graph outputs (ONNX Runtime only returns graph outputs). A small
 * private version for the gradient compiler; outputs are added with a name only, ONNX Runtime
 * infers their types.
 */
public final class IntermediateOutputs {
  private IntermediateOutputs() {}

  /** Every node output becomes a graph output. */
  public static Onnx.ModelProto exposeAll(Onnx.ModelProto model) {
    Onnx.GraphProto g = model.getGraph();
    Set<String> present = new HashSet<>();
    g.getOutputList().forEach(o -> present.add(o.getName()));
    Onnx.GraphProto.Builder b = g.toBuilder();
    for (Onnx.NodeProto n : g.getNodeList()) {
      for (String o : n.getOutputList()) {
        if (!o.isEmpty() && present.add(o)) {
          b.addOutput(Onnx.ValueInfoProto.newBuilder().setName(o));
        }
      }
    }
    return model.toBuilder().setGraph(b).build();
  }
}
