package dev.lanterne.explain.inversion;

import dev.lanterne.LanterneException;
import dev.lanterne.onnx.Attributes;
import dev.lanterne.onnx.OnnxModels;
import dev.lanterne.onnx.proto.Onnx;
import dev.lanterne.runtime.Classifier;
import dev.lanterne.runtime.InversionModel;
import dev.lanterne.tensor.Softmax;
import java.util.List;

/**
 * Class (or layer-unit) ascent with Lucid's {@link Diversity} term: image i climbs
 * {@code scores[i, target[i]] - weight * D}, D computed over the whole batch at one layer.
 *
 * <p>The model is rewritten so that its single output is its scores followed by the flattened
 * activation of the diversity layer ({@link #appendActivation}); the inversion graph of that model
 * then returns the gradient of any seed over both. Each step first runs the rewritten model forward
 * (a plain session) to read the layer at the images as they are now (jittered), computes D and
 * dD/dA in Java, and then seeds the graph with the class one-hots (or log-probability rows) plus
 * -weight * dD/dA on the activation columns: one extra forward pass per step, and the gradient is
 * exact at the current images (a seed lagging one step behind would pair the gradient with
 * activations from a differently jittered image).
 */
public final class DiversityObjective implements AscentObjective, AutoCloseable {
  /** The rewritten model's output name. */
  public static final String OUTPUT = "lanterne_scores_and_diversity_layer";

  private final ModelObjective scores;
  private final InversionModel model;
  private final Classifier forward;
  private final int scoreColumns;
  private final int probabilityClasses;
  private final boolean outputsProbabilities;
  private final int[] targets;
  private final int channels;
  private final int positions;
  private final double weight;
  private final Diversity.Kind kind;
  private double lastDiversity = Double.NaN;

  /**
   * @param model the inversion step of the rewritten model (its columns: scoreColumns, then C*P);
   *     closed with this objective
   * @param forward a plain session of the same rewritten model; closed with this objective
   * @param layer the rewritten model's layer shape
   * @param targets the score column each image climbs
   * @param probabilityClasses how many leading columns are class scores
   * @param weight the diversity term's weight (0: plain ascent, but D is still reported)
   */
  public DiversityObjective(InversionModel model, Classifier forward, Layer layer, int[] targets,
      int probabilityClasses, boolean outputsProbabilities, boolean logProbability, double weight,
      Diversity.Kind kind) {
    if (targets.length < 2) {
      throw new IllegalArgumentException("diversity needs a batch of at least 2 images");
    }
    if (!(weight >= 0)) {
      throw new IllegalArgumentException("the diversity weight must be >= 0, got " + weight);
    }
    this.model = model;
    this.forward = forward;
    this.scoreColumns = layer.scoreColumns();
    this.channels = layer.channels();
    this.positions = layer.positions();
    this.probabilityClasses = probabilityClasses;
    this.outputsProbabilities = outputsProbabilities;
    this.targets = targets.clone();
    this.weight = weight;
    this.kind = kind;
    this.scores = new ModelObjective(model, targets, probabilityClasses, outputsProbabilities)
        .climbingLogProbability(logProbability);
    if (model.numClasses() != scoreColumns + channels * positions) {
      throw new IllegalArgumentException("the model has " + model.numClasses() + " outputs, expected "
          + scoreColumns + " scores and " + channels * positions + " activations");
    }
  }

  /**
   * The shape of the rewritten model's output.
   *
   * @param scoreColumns the original output's columns
   * @param channels the layer's channels C
   * @param positions the layer's positions P (h * w, or 1)
   */
  public record Layer(int scoreColumns, int channels, int positions) {}

  /** The rewritten model and its layer's shape. */
  public record Rewritten(byte[] model, Layer layer) {}

  /**
   * Appends a layer's flattened activation to a model's output: the single output becomes
   * [N, K + C*P], the original output (flattened) first.
   *
   * @throws LanterneException when the layer is not a tensor of the model or not [N,C,h,w] / [N,C]
   */
  public static Rewritten appendActivation(byte[] model, String layer, int[] inputShape) {
    Onnx.ModelProto proto = OnnxModels.parse(model, "model");
    Onnx.GraphProto g = proto.getGraph();
    if (!LayerObjective.producedTensors(g).contains(layer)) {
      throw new LanterneException("diversity layer '" + layer + "' is not a tensor of this model; see lanterne"
          + " layers");
    }
    long[] shape = LayerObjective.probe(proto, layer, inputShape);
    if (shape.length != 4 && shape.length != 2) {
      throw new LanterneException("diversity layer '" + layer + "' has rank " + shape.length
          + "; it needs a [N,C,h,w] or [N,C] activation");
    }
    String out = g.getOutput(0).getName();
    long[] outShape = LayerObjective.probe(proto, out, inputShape);
    long k = 1;
    for (int i = 1; i < outShape.length; i++) {
      k *= outShape[i];
    }
    int c = (int) shape[1];
    int p = shape.length == 4 ? (int) (shape[2] * shape[3]) : 1;
    String pre = "lanterne_diversity_";
    Onnx.GraphProto.Builder b = g.toBuilder();
    b.addNode(flatten(out, pre + "scores"));
    b.addNode(flatten(layer, pre + "layer"));
    b.addNode(Onnx.NodeProto.newBuilder().setOpType("Concat").setName(pre + "concat")
        .addAllInput(List.of(pre + "scores", pre + "layer")).addOutput(OUTPUT)
        .addAttribute(Attributes.ofInt("axis", 1)).build());
    Onnx.ValueInfoProto old = g.getOutput(0);
    Onnx.TensorShapeProto.Dimension batch = old.getType().getTensorType().getShape().getDimCount() > 0
        ? old.getType().getTensorType().getShape().getDim(0)
        : Onnx.TensorShapeProto.Dimension.newBuilder().setDimParam("N").build();
    b.clearOutput().addOutput(Onnx.ValueInfoProto.newBuilder().setName(OUTPUT)
        .setType(Onnx.TypeProto.newBuilder().setTensorType(Onnx.TypeProto.Tensor.newBuilder()
            .setElemType(Onnx.TensorProto.DataType.FLOAT_VALUE)
            .setShape(Onnx.TensorShapeProto.newBuilder().addDim(batch)
                .addDim(Onnx.TensorShapeProto.Dimension.newBuilder().setDimValue(k + (long) c * p))))));
    byte[] bytes = OnnxModels.toBytes(proto.toBuilder().setGraph(b).build());
    return new Rewritten(bytes, new Layer((int) k, c, p));
  }

  private static Onnx.NodeProto flatten(String input, String output) {
    return Onnx.NodeProto.newBuilder().setOpType("Flatten").setName(output).addInput(input).addOutput(output)
        .addAttribute(Attributes.ofInt("axis", 1)).build();
  }

  @Override
  public int[] shape() {
    return model.inputShape();
  }

  @Override
  public Step step(float[] x, int n, float lr, float l2) {
    int width = model.numClasses();
    int per = channels * positions;
    float[] out = forward.run(x, n);
    float[] acts = new float[n * per];
    for (int i = 0; i < n; i++) {
      System.arraycopy(out, i * width + scoreColumns, acts, i * per, per);
    }
    Diversity.Result d = Diversity.of(acts, n, channels, positions, kind);
    lastDiversity = d.value();
    float[] extra = new float[n * width];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < per; j++) {
        extra[i * width + scoreColumns + j] = (float) (-weight * d.gradient()[i * per + j]);
      }
    }
    Step r = scores.step(x, n, 0f, 0f, extra);
    float[] s = new float[n * scoreColumns];
    for (int i = 0; i < n; i++) {
      System.arraycopy(r.scores(), i * width, s, i * scoreColumns, scoreColumns);
    }
    return new Step(null, r.gradient(), s);
  }

  /** D at the images of the last step (NaN before the first). */
  public double lastDiversity() {
    return lastDiversity;
  }

  @Override
  public float objective(float[] s, int i) {
    return s[i * scoreColumns + targets[i]];
  }

  @Override
  public float probability(float[] s, int i) {
    if (targets[i] >= probabilityClasses) {
      return Float.NaN;
    }
    int base = i * scoreColumns;
    return outputsProbabilities ? s[base + targets[i]] : Softmax.at(s, base, probabilityClasses, targets[i]);
  }

  /**
   * Rewrites the model, compiles its inversion step and opens its forward session.
   *
   * @param model the classifier (or a {@link LayerObjective} rewrite of it) as ONNX bytes
   * @param layer the tensor whose activations (Gram matrices) are compared
   * @param normalize as {@link InversionModels#compile}
   */
  public static DiversityObjective open(byte[] model, String layer, int[] inputShape, int[] targets,
      int probabilityClasses, boolean outputsProbabilities, boolean logProbability, double weight,
      Diversity.Kind kind, boolean normalize, dev.lanterne.runtime.RuntimeOptions runtime) {
    Rewritten r = appendActivation(model, layer, inputShape);
    InversionModel im = InversionModels.compile(r.model(), normalize, runtime);
    try {
      Classifier forward = Classifier.open(r.model(), "diversity forward", runtime);
      return new DiversityObjective(im, forward, r.layer(), targets, probabilityClasses, outputsProbabilities,
          logProbability, weight, kind);
    } catch (RuntimeException e) {
      im.close();
      throw e;
    }
  }

  @Override
  public void close() {
    try {
      forward.close();
    } finally {
      model.close();
    }
  }
}
