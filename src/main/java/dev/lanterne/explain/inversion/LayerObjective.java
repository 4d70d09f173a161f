package dev.lanterne.explain.inversion;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.lanterne.LanterneException;
import dev.lanterne.onnx.Attributes;
import dev.lanterne.onnx.OnnxModels;
import dev.lanterne.onnx.TensorProtos;
import dev.lanterne.onnx.proto.Onnx;
import dev.lanterne.runtime.OrtSessions;
import dev.lanterne.runtime.RuntimeOptions;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The classic DeepDream objective as one more output column: the model is rewritten so that its
 * single output is [N, K+1], the K class scores followed by 0.5 * ||A||^2 of a chosen layer's
 * activation A. Any gradient engine (the compiled inversion graph or finite differences) then climbs
 * the layer objective with a one-hot seed on column K, exactly as it climbs a class score.
 *
 * <p>Only operators that every classifier already uses and that are stable across opsets are added:
 * Mul (A * A), GlobalAveragePool (4-D activations), Flatten, Gemm with a ones column (the sum over
 * channels, scaled by 0.5 * h * w), Concat.
 */
public final class LayerObjective {
  /** The name of the rewritten model's output. */
  public static final String OUTPUT = "lanterne_scores_and_layer_energy";

  private LayerObjective() {}

  /**
   * @param model ONNX bytes of an image classifier
   * @param layer name of the tensor whose activation energy is climbed
   * @param inputShape {C,H,W} of one input (to measure the layer's shape with one forward run)
   * @return the rewritten model; its output column K (= the original class count) is 0.5 * ||A||^2
   */
  public static byte[] append(byte[] model, String layer, int[] inputShape) {
    Onnx.ModelProto proto = OnnxModels.parse(model, "model");
    Onnx.GraphProto g = proto.getGraph();
    if (!producedTensors(g).contains(layer)) {
      throw new LanterneException("layer '" + layer + "' is not a tensor of this model; choose one of the node"
          + " outputs, e.g. " + String.join(", ", suggestions(g)));
    }
    long[] shape = probe(proto, layer, inputShape);
    if (shape.length != 4 && shape.length != 2) {
      throw new LanterneException("layer '" + layer + "' has rank " + shape.length
          + "; the layer objective needs a [N,C,h,w] or [N,C] activation");
    }
    long channels = shape[1];
    long area = shape.length == 4 ? shape[2] * shape[3] : 1;
    String logits = g.getOutput(0).getName();
    String p = "lanterne_dream_";
    Onnx.GraphProto.Builder b = g.toBuilder();
    b.addNode(node("Mul", p + "sq", List.of(layer, layer), p + "mul"));
    String perChannel = p + "sq";
    if (shape.length == 4) {
      b.addNode(node("GlobalAveragePool", p + "gap", List.of(p + "sq"), p + "gap"));
      perChannel = p + "gap";
    }
    b.addNode(node("Flatten", p + "flat", List.of(perChannel), p + "flatten").toBuilder()
        .addAttribute(Attributes.ofInt("axis", 1)).build());
    float[] ones = new float[(int) channels];
    java.util.Arrays.fill(ones, 1f);
    b.addInitializer(TensorProtos.ofFloats(p + "ones", new long[] {channels, 1}, ones));
    b.addNode(node("Gemm", p + "energy", List.of(p + "flat", p + "ones"), p + "gemm").toBuilder()
        .addAttribute(Attributes.ofFloat("alpha", 0.5f * area)).build());
    b.addNode(node("Flatten", p + "logits", List.of(logits), p + "flatten_logits").toBuilder()
        .addAttribute(Attributes.ofInt("axis", 1)).build());
    b.addNode(node("Concat", OUTPUT, List.of(p + "logits", p + "energy"), p + "concat").toBuilder()
        .addAttribute(Attributes.ofInt("axis", 1)).build());
    Onnx.ValueInfoProto old = g.getOutput(0);
    Onnx.TensorShapeProto.Dimension batch = old.getType().getTensorType().getShape().getDimCount() > 0
        ? old.getType().getTensorType().getShape().getDim(0)
        : Onnx.TensorShapeProto.Dimension.newBuilder().setDimParam("N").build();
    Onnx.ValueInfoProto out = Onnx.ValueInfoProto.newBuilder().setName(OUTPUT)
        .setType(Onnx.TypeProto.newBuilder().setTensorType(Onnx.TypeProto.Tensor.newBuilder()
            .setElemType(Onnx.TensorProto.DataType.FLOAT_VALUE)
            .setShape(Onnx.TensorShapeProto.newBuilder().addDim(batch)
                .addDim(Onnx.TensorShapeProto.Dimension.newBuilder().setDimValue(classCount(proto, inputShape) + 1)))))
        .build();
    b.clearOutput().addOutput(out);
    return OnnxModels.toBytes(proto.toBuilder().setGraph(b).build());
  }

  /** Names of the tensors the graph's nodes produce. */
  static Set<String> producedTensors(Onnx.GraphProto g) {
    Set<String> s = new LinkedHashSet<>();
    for (Onnx.NodeProto n : g.getNodeList()) {
      s.addAll(n.getOutputList());
    }
    return s;
  }

  /** A few activation names for the error message: outputs of the last convolution-like nodes. */
  private static List<String> suggestions(Onnx.GraphProto g) {
    List<String> all = new ArrayList<>();
    for (Onnx.NodeProto n : g.getNodeList()) {
      if (Set.of("Relu", "Clip", "Conv", "Add", "Concat").contains(n.getOpType()) && n.getOutputCount() > 0) {
        all.add(n.getOutput(0));
      }
    }
    return all.subList(Math.max(0, all.size() - 4), all.size());
  }

  private static Onnx.NodeProto node(String op, String output, List<String> inputs, String name) {
    return Onnx.NodeProto.newBuilder().setOpType(op).setName(name).addAllInput(inputs).addOutput(output).build();
  }

  private static long classCount(Onnx.ModelProto proto, int[] chw) {
    long[] s = probe(proto, proto.getGraph().getOutput(0).getName(), chw);
    long k = 1;
    for (int i = 1; i < s.length; i++) {
      k *= s[i];
    }
    return k;
  }

  /** The shape of a tensor for one zero input, read by running the model with it as an output. */
  private static long[] probe(Onnx.ModelProto proto, String tensor, int[] chw) {
    Onnx.GraphProto.Builder b = proto.getGraph().toBuilder();
    boolean isOutput = b.getOutputList().stream().anyMatch(o -> o.getName().equals(tensor));
    if (!isOutput) {
      b.addOutput(Onnx.ValueInfoProto.newBuilder().setName(tensor));
    }
    byte[] bytes = OnnxModels.toBytes(proto.toBuilder().setGraph(b).build());
    String input = InversionModels.imageInput(proto.getGraph());
    OrtSession session = OrtSessions.create(bytes, RuntimeOptions.DEFAULT, "layer probe");
    try (OnnxTensor x = OnnxTensor.createTensor(OrtSessions.environment(),
        FloatBuffer.wrap(new float[chw[0] * chw[1] * chw[2]]), new long[] {1, chw[0], chw[1], chw[2]});
        OrtSession.Result r = session.run(Map.of(input, x), Set.of(tensor))) {
      return ((OnnxTensor) r.get(0)).getInfo().getShape();
    } catch (OrtException e) {
      throw new LanterneException("cannot run the model to measure layer '" + tensor + "' ("
          + OrtSessions.firstLine(e.getMessage()) + ")", e);
    } finally {
      OrtSessions.closeQuietly(session);
    }
  }
}
