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
 * activation A (or, with a {@link Unit}, one channel's mean or one centre neuron, Lucid's channel and
 * neuron objectives). Any gradient engine (the compiled inversion graph or finite differences) then climbs
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
    return append(model, layer, inputShape, Unit.L2);
  }

  /**
   * What the appended column measures (Lucid's objectives): the layer's energy 0.5 ||A||^2 (deep
   * dream), one channel's mean over positions ({@code objectives.channel}), or one channel's value
   * at the centre position ({@code objectives.neuron}).
   *
   * @param kind "l2", "channel" or "neuron"
   * @param channel the channel for channel and neuron
   */
  public record Unit(String kind, int channel) {
    /** The layer's energy. */
    public static final Unit L2 = new Unit("l2", 0);

    /**
     * Checks the kind and channel.
     *
     * @throws IllegalArgumentException when the kind is not l2, channel or neuron, or the channel is negative
     */
    public Unit {
      if (!List.of("l2", "channel", "neuron").contains(kind) || channel < 0) {
        throw new IllegalArgumentException("a unit is l2, channel:N or neuron:N with N >= 0");
      }
    }

    /** Parses "l2", "channel:N" or "neuron:N". */
    public static Unit parse(String s) {
      String[] p = s.strip().toLowerCase(java.util.Locale.ROOT).split(":");
      try {
        return p.length == 1 ? new Unit(p[0], 0) : new Unit(p[0], Integer.parseInt(p[1]));
      } catch (IllegalArgumentException e) {
        throw LanterneException.usage("unit", "the unit must be l2, channel:N or neuron:N, got '" + s + "'");
      }
    }

    @Override
    public String toString() {
      return kind.equals("l2") ? "l2" : kind + ":" + channel;
    }
  }

  /**
   * As {@link #append(byte[], String, int[])}, the appended column K measuring the given unit.
   *
   * @throws LanterneException when the channel is outside the layer
   */
  public static byte[] append(byte[] model, String layer, int[] inputShape, Unit unit) {
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
    if (!unit.kind().equals("l2") && unit.channel() >= channels) {
      throw new LanterneException("layer '" + layer + "' has " + channels + " channels; channel " + unit.channel()
          + " does not exist");
    }
    String perChannel = layer;
    float alpha = 1f;
    if (unit.kind().equals("l2")) {
      b.addNode(node("Mul", p + "sq", List.of(layer, layer), p + "mul"));
      perChannel = p + "sq";
      alpha = 0.5f * area;
    }
    if (shape.length == 4 && !unit.kind().equals("neuron")) {
      b.addNode(node("GlobalAveragePool", p + "gap", List.of(perChannel), p + "gap"));
      perChannel = p + "gap";
    }
    b.addNode(node("Flatten", p + "flat", List.of(perChannel), p + "flatten").toBuilder()
        .addAttribute(Attributes.ofInt("axis", 1)).build());
    // a weight column over the flattened values: all ones (energy), one channel, or one position
    int rows = (int) (unit.kind().equals("neuron") ? channels * area : channels);
    float[] ones = new float[rows];
    switch (unit.kind()) {
      case "l2" -> java.util.Arrays.fill(ones, 1f);
      case "channel" -> ones[unit.channel()] = 1f;
      default -> {
        long h = shape.length == 4 ? shape[2] : 1;
        long w = shape.length == 4 ? shape[3] : 1;
        ones[(int) (unit.channel() * area + (h / 2) * w + w / 2)] = 1f;
      }
    }
    b.addInitializer(TensorProtos.ofFloats(p + "ones", new long[] {rows, 1}, ones));
    b.addNode(node("Gemm", p + "energy", List.of(p + "flat", p + "ones"), p + "gemm").toBuilder()
        .addAttribute(Attributes.ofFloat("alpha", alpha)).build());
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
