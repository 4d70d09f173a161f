package dev.lanterne.grad;

import dev.lanterne.LanterneException;
import dev.lanterne.onnx.Attributes;
import dev.lanterne.onnx.OnnxModels;
import dev.lanterne.onnx.TensorProtos;
import dev.lanterne.onnx.proto.Onnx;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a derived graph's {@code seed} input into the one-hot of each row's predicted class, computed
 * inside the graph from its own scores (ArgMax, first maximum on ties as {@code Target.topK}), so
 * that explaining the predicted class takes one pass instead of a forward pass for the class and a
 * second one for the gradient. The predicted class comes out as the float output
 * {@link #PREDICTED} [N].
 */
public final class PredictedSeed {
  /** Output holding each row's predicted class index (a float holding an integer). */
  public static final String PREDICTED = "predicted_class";
  private static final String PREFIX = GradientCompiler.BACKWARD_PREFIX + "predicted/";

  private PredictedSeed() {}

  /** Whether a derived graph can take its seed from its scores (2-D scores, OneHot in its opset). */
  public static boolean applies(Onnx.ModelProto derived) {
    Onnx.GraphProto g = derived.getGraph();
    boolean seeded = g.getInputList().stream().anyMatch(v -> v.getName().equals(GradientCompiler.SEED));
    int scoreRank = g.getOutput(0).getType().getTensorType().getShape().getDimCount();
    return seeded && scoreRank == 2 && OnnxModels.opset(derived) >= 9;
  }

  /** The graph with the seed computed from its scores; see {@link #applies}. */
  public static Onnx.ModelProto apply(Onnx.ModelProto derived) {
    if (!applies(derived)) {
      throw new LanterneException("this gradient graph cannot find the predicted class in its own pass");
    }
    Onnx.GraphProto g = derived.getGraph();
    String scores = GradientCompiler.scoresName(derived);
    long classes = g.getOutput(0).getType().getTensorType().getShape().getDim(1).getDimValue();
    String index = PREFIX + "index";
    String depth = PREFIX + "depth";
    String values = PREFIX + "values";
    List<Onnx.NodeProto> added = List.of(
        node("ArgMax", List.of(scores), index, Attributes.ofInt("axis", 1), Attributes.ofInt("keepdims", 0)),
        node("OneHot", List.of(index, depth, values), GradientCompiler.SEED, Attributes.ofInt("axis", -1)),
        node("Cast", List.of(index), PREDICTED, Attributes.ofInt("to", Onnx.TensorProto.DataType.FLOAT_VALUE)));
    // nodes stay in topological order: the new ones go right after the node that computes the scores
    List<Onnx.NodeProto> nodes = new ArrayList<>(g.getNodeList());
    int at = -1;
    for (int i = 0; i < nodes.size(); i++) {
      if (nodes.get(i).getOutputList().contains(scores)) {
        at = i;
      }
    }
    if (at < 0) {
      throw new LanterneException("the gradient graph has no node computing its scores " + scores);
    }
    nodes.addAll(at + 1, added);
    Onnx.GraphProto.Builder b = g.toBuilder().clearNode().addAllNode(nodes).clearInput();
    for (Onnx.ValueInfoProto v : g.getInputList()) {
      if (!v.getName().equals(GradientCompiler.SEED)) {
        b.addInput(v);
      }
    }
    b.addInitializer(TensorProtos.ofLongs(depth, new long[] {1}, new long[] {classes}));
    b.addInitializer(TensorProtos.ofFloats(values, new long[] {2}, new float[] {0f, 1f}));
    if (derived.getIrVersion() < 4) {
      // before IR 4, every initializer must also be declared as a graph input
      b.addInput(GradientCompiler.valueInfo(depth, new long[] {1}, new boolean[1], Onnx.TensorProto.DataType.INT64_VALUE));
      b.addInput(GradientCompiler.valueInfo(values, new long[] {2}, new boolean[1]));
    }
    b.addOutput(GradientCompiler.valueInfo(PREDICTED, new long[] {1}, new boolean[] {true}));
    return derived.toBuilder().setGraph(b).build();
  }

  private static Onnx.NodeProto node(String op, List<String> inputs, String output, Onnx.AttributeProto... attrs) {
    Onnx.NodeProto.Builder n = Onnx.NodeProto.newBuilder().setOpType(op).setName(output).addAllInput(inputs)
        .addOutput(output);
    for (Onnx.AttributeProto a : attrs) {
      n.addAttribute(a);
    }
    return n.build();
  }
}
