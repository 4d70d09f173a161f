package dev.lanterne.grad;

import dev.lanterne.LanterneException;
import dev.lanterne.onnx.OnnxModels;
import dev.lanterne.onnx.proto.Onnx;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Derives the DeepLift graph of a classifier: the forward graph twice, once on the image x and once,
 * with every computed tensor renamed, on the baseline x' (an extra input {@value #BASELINE} shaped
 * like x), and the backward pass of sum(seed * y) with {@link Variant#DEEPLIFT}'s rules, which read
 * the reference tensors. Outputs: the scores y, the multipliers {@value GradientCompiler#GRAD_INPUT}
 * (DeepLift's attribution is (x - x') times them) and the baseline's scores {@value #REFERENCE_SCORES}.
 * Running both passes in one graph is Captum's trick (it concatenates input and baseline in one
 * batch) without tying the pairing to the batch layout.
 */
public final class DeepLiftCompiler {
  /** The baseline input. */
  public static final String BASELINE = "baseline";
  /** The baseline's scores. */
  public static final String REFERENCE_SCORES = "reference_scores";
  private static final String SUFFIX = "/lanterne_reference";

  private DeepLiftCompiler() {}

  /** The DeepLift graph of a classifier (batch made dynamic where possible, as every derived graph). */
  public static Onnx.ModelProto compile(Onnx.ModelProto model) {
    GradientCompiler.Prepared p = GradientCompiler.prepare(model);
    Onnx.GraphProto g = p.model().getGraph();
    Set<String> computed = new HashSet<>();
    for (Onnx.NodeProto n : g.getNodeList()) {
      computed.addAll(n.getOutputList());
    }
    for (String reserved : List.of(BASELINE, REFERENCE_SCORES, GradientCompiler.SEED, GradientCompiler.GRAD_INPUT)) {
      if (computed.contains(reserved) || g.getInputList().stream().anyMatch(v -> v.getName().equals(reserved))) {
        throw new LanterneException("the model already has a tensor named '" + reserved
            + "'; rename it before compiling DeepLift");
      }
    }
    String input = p.input();
    java.util.function.UnaryOperator<String> ref = t -> t.equals(input) ? BASELINE
        : computed.contains(t) ? t + SUFFIX : t;
    ProbedShapes shapes = p.shapes();
    for (String t : computed) {
      if (shapes.has(t)) {
        shapes.put(ref.apply(t), shapes.dims(t), shapes.followsBatch(t), shapes.elementType(t));
      }
    }
    shapes.put(BASELINE, shapes.dims(input), shapes.followsBatch(input), shapes.elementType(input));

    Onnx.GraphProto.Builder graph = g.toBuilder().clearOutput();
    for (Onnx.NodeProto n : g.getNodeList()) {
      Onnx.NodeProto.Builder copy = n.toBuilder().clearInput().clearOutput();
      if (!n.getName().isEmpty()) {
        copy.setName(n.getName() + SUFFIX);
      }
      n.getInputList().forEach(t -> copy.addInput(t.isEmpty() ? t : ref.apply(t)));
      n.getOutputList().forEach(t -> copy.addOutput(t.isEmpty() ? t : ref.apply(t)));
      graph.addNode(copy);
    }
    Onnx.ValueInfoProto image = g.getInputList().stream().filter(v -> v.getName().equals(input)).findFirst()
        .orElseThrow();
    graph.addInput(image.toBuilder().setName(BASELINE));
    long[] yDims = shapes.dims(p.output());
    boolean[] yBatch = shapes.followsBatch(p.output());
    graph.addInput(GradientCompiler.valueInfo(GradientCompiler.SEED, yDims, yBatch));

    GraphEmitter e = new GraphEmitter(OnnxModels.opset(p.model()), shapes, "lanterne/");
    Map<String, String> grads = p.paths().emit(e, p.output(), GradientCompiler.SEED, Variant.DEEPLIFT,
        List.of(input), ref);
    e.opNamed("Identity", List.of(grads.get(input)), GradientCompiler.GRAD_INPUT);
    e.opNamed("Identity", List.of(ref.apply(p.output())), REFERENCE_SCORES);
    graph.addOutput(GradientCompiler.valueInfo(p.output(), yDims, yBatch));
    graph.addOutput(GradientCompiler.valueInfo(GradientCompiler.GRAD_INPUT, shapes.dims(input),
        shapes.followsBatch(input)));
    graph.addOutput(GradientCompiler.valueInfo(REFERENCE_SCORES, yDims, yBatch));
    // as in GradientCompiler: nodes a later simplification left unread (an Expand summed as its source) are dropped
    List<Onnx.NodeProto> live = GradientCompiler.live(e.nodes(), graph.getOutputList());
    List<Onnx.TensorProto> constants = GradientCompiler.readBy(live, e.initializers());
    graph.addAllNode(live);
    graph.addAllInitializer(constants);
    if (p.model().getIrVersion() < 4) {
      for (Onnx.TensorProto t : constants) {
        graph.addInput(GradientCompiler.valueInfo(t.getName(),
            t.getDimsList().stream().mapToLong(Long::longValue).toArray(), new boolean[t.getDimsCount()],
            t.getDataType()));
      }
    }
    List<Onnx.ValueInfoProto> valueInfo = new ArrayList<>(g.getValueInfoList());
    graph.clearValueInfo().addAllValueInfo(valueInfo);
    return p.model().toBuilder().setGraph(graph).build();
  }
}
