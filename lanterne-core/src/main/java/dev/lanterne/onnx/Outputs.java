package dev.lanterne.onnx;

import dev.lanterne.LanterneException;
import dev.lanterne.onnx.proto.Onnx;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/** Adds intermediate tensors to a graph's outputs (ONNX Runtime returns only graph outputs). */
public final class Outputs {
  private Outputs() {}

  /**
   * The model with the named tensors added as graph outputs (those already outputs are left as they
   * are). Each keeps the type and shape that value_info gives it, or is declared float of unknown
   * shape.
   *
   * @throws LanterneException when a name is not a tensor of the graph
   */
  public static Onnx.ModelProto expose(Onnx.ModelProto model, String... names) {
    Onnx.GraphProto g = model.getGraph();
    Set<String> outputs = Graphs.outputNames(g);
    Map<String, Onnx.ValueInfoProto> known = new HashMap<>();
    for (Onnx.ValueInfoProto v : g.getValueInfoList()) {
      known.put(v.getName(), v);
    }
    for (Onnx.ValueInfoProto v : g.getInputList()) {
      known.put(v.getName(), v);
    }
    Set<String> tensors = new HashSet<>(Graphs.names(g));
    Onnx.GraphProto.Builder b = g.toBuilder();
    for (String name : names) {
      if (!tensors.contains(name)) {
        throw new LanterneException("the model has no tensor named '" + name
            + "'; pass the name of a node output (list them with a model viewer such as Netron)");
      }
      if (outputs.add(name)) {
        b.addOutput(known.getOrDefault(name, floatOfUnknownShape(name)));
      }
    }
    return model.toBuilder().setGraph(b).build();
  }

  private static Onnx.ValueInfoProto floatOfUnknownShape(String name) {
    return Onnx.ValueInfoProto.newBuilder().setName(name).setType(Onnx.TypeProto.newBuilder()
        .setTensorType(Onnx.TypeProto.Tensor.newBuilder().setElemType(Onnx.TensorProto.DataType.FLOAT_VALUE)))
        .build();
  }
}
