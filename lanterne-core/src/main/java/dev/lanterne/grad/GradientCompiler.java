package dev.lanterne.grad;

import dev.lanterne.LanterneException;
import dev.lanterne.onnx.BatchRewrite;
import dev.lanterne.onnx.OnnxModels;
import dev.lanterne.onnx.proto.Onnx;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Derives, from a classifier with image input x [N,C,H,W] and scores y [N,K], the three graphs with
 * the backward pass baked in (as ONNX nodes appended to the forward graph, within the model's opset):
 * saliency (y, dy/dx), Grad-CAM (y, A, dy/dA) and one inversion step (x_next, dy/dx, y). Each takes an
 * extra input `seed` [N,K] and differentiates sum(seed * y). The forward part of each derived graph is
 * the model as ONNX Runtime optimises it for the CPU (so its scores are bit for bit those of the plain
 * model, fused int8 kernels included); the backward reads it through a {@link FusionSafeView}.
 */
public final class GradientCompiler {
  /**
   * Version of the derived graphs, part of every cache key: bump it whenever a gradient rule or the
   * layout of a derived graph changes, so that no stale graph is ever served from the cache.
   * 2: clipped straight-through gradient for activation QuantizeLinear. 3: shape arithmetic folded,
   * strided Slice, LayerNormalization. 4: default Grad-CAM layer before the head; channels-last and
   * token layers read as [N,C,h,w]. 5: the backward of a QDQ model reads its own dequantized copies;
   * masks from the quantized values; the forward part is the plain model as ONNX Runtime optimises it.
   * 6: no-op ReLU6 of QDQ models dropped, strided Conv spread by DepthToSpace, one-window AveragePool by Expand.
   */
  public static final int VERSION = 6;

  /**
   * Input of every derived graph: the weights [N,K] of the class scores whose gradient is taken (f = sum of
   * seed times scores).
   */
  public static final String SEED = "seed";
  /** Output: the gradient of f with respect to the image input, [N,C,H,W]. */
  public static final String GRAD_INPUT = "grad_input";
  /** Output of the Grad-CAM graph: the layer's activation. */
  public static final String ACTIVATION = "activation";
  /** Output of the Grad-CAM graph: the gradient of f with respect to the layer's activation, same shape. */
  public static final String GRAD_ACTIVATION = "grad_activation";
  /**
   * Output of the inversion graph: the images after one step, x + lr (g - l2 x), g the (optionally
   * normalised) gradient.
   */
  public static final String NEXT = "x_next";
  /** Scalar input of the inversion graph: the step size. */
  public static final String LR = "lr";
  /** Scalar input of the inversion graph: the weight of the L2 penalty on the image. */
  public static final String L2 = "l2";
  /** Metadata key of the Grad-CAM graph that names its layer. */
  public static final String LAYER_KEY = "lanterne.layer";
  /** Metadata key of the Grad-CAM graph that describes its layer's layout ({@link SpatialLayout#describe}). */
  public static final String LAYOUT_KEY = "lanterne.layout";
  /** Name prefix of every node and tensor the compiler adds (the backward part of a derived graph). */
  public static final String BACKWARD_PREFIX = "lanterne/";
  private static final String PREFIX = BACKWARD_PREFIX;

  private GradientCompiler() {}

  /**
   * The derived graphs; the scores keep the model's output name, see {@link #scoresName}.
   *
   * @param saliency scores and the input gradient
   * @param gradcam scores, the layer's activation and its gradient
   * @param inversion one gradient-ascent step on the image
   * @param layer the Grad-CAM layer the gradcam graph was compiled for
   */
  public record Graphs(Onnx.ModelProto saliency, Onnx.ModelProto gradcam, Onnx.ModelProto inversion, String layer) {}

  /**
   * The forward model prepared for differentiation: batch made dynamic where possible, shapes probed.
   *
   * @param model the prepared forward model
   * @param input name of its image input
   * @param output name of its class-score output
   * @param chw {channels, height, width} of one input image
   * @param batched whether the batch dimension is dynamic
   * @param shapes the probed shapes and types of every tensor
   * @param paths which tensors lie on a path from the image to the scores
   * @param survivors the forward tensors that survive ONNX Runtime's optimisations
   */
  public record Prepared(Onnx.ModelProto model, String input, String output, long[] chw, boolean batched,
      ProbedShapes shapes, Backprop paths, Survivors survivors) {

    /** A fresh view of the forward part for one derived graph's backward. */
    GraphEmitter.ForwardView view() {
      Onnx.ModelProto optimised = survivors.get();
      return optimised == null ? GraphEmitter.ForwardView.IDENTITY
          : new FusionSafeView(model.getGraph(), survivors.names());
    }

    /** The default Grad-CAM layer: the tensor that feeds the last global pooling before the head. */
    public String defaultLayer() {
      return LayerFinder.defaultLayer(model.getGraph(), shapes, paths, chw);
    }

    /** The candidate Grad-CAM layers in graph order (the indices `--layer` accepts). */
    public List<LayerFinder.Layer> layers() {
      return LayerFinder.candidates(model.getGraph(), shapes, paths, chw);
    }

    /** The attention maps of a transformer, in graph order (empty for other models). */
    public List<LayerFinder.Attention> attentionMaps() {
      return LayerFinder.attentionMaps(model.getGraph(), shapes, paths);
    }

    /** A --layer value (name, index or unique part of a name) resolved to a tensor name. */
    public String resolveLayer(String wanted) {
      return LayerFinder.resolve(wanted, layers(), shapes);
    }

    /** The layout of a Grad-CAM layer, or a one-line error when it holds no spatial map. */
    public SpatialLayout layout(String layer) {
      return LayerFinder.layout(shapes, layer, chw).orElseThrow(() -> LanterneException.usage("layer", "layer '" + layer
          + "' has shape " + java.util.Arrays.toString(shapes.dims(layer)) + " at batch 1; Grad-CAM needs a"
          + " spatial map [N,C,h,w], [N,h,w,C] or tokens [N,T,C] (see 'lanterne layers')"));
    }
  }

  /**
   * Compiles all three derived graphs of a model (no cache; see {@link Gradients} for the cached way).
   *
   * @throws dev.lanterne.LanterneException when the model has an operator without a gradient rule or cannot
   *     be probed
   */
  public static Graphs compile(Onnx.ModelProto model, GradientOptions options) {
    Prepared p = prepare(model);
    Onnx.ModelProto cam = gradcam(p, options);
    return new Graphs(saliency(p, options), cam, inversion(p, options), layerOf(cam));
  }

  /** The kinds of derived graph. */
  public enum Kind {
    /** Scores and the input gradient. */
    SALIENCY("saliency"),
    /** Scores, a layer's activation and its gradient. */
    GRADCAM("gradcam"),
    /** One gradient-ascent step on the image. */
    INVERSION("inversion");

    private final String fileName;

    Kind(String fileName) {
      this.fileName = fileName;
    }

    /** The kind's name in cache file names. */
    public String fileName() {
      return fileName;
    }
  }

  /** Only the derived graph of one kind (the others are not built). */
  public static Onnx.ModelProto compile(Onnx.ModelProto model, GradientOptions options, Kind kind) {
    Prepared p = prepare(model);
    return switch (kind) {
      case SALIENCY -> saliency(p, options);
      case GRADCAM -> gradcam(p, options);
      case INVERSION -> inversion(p, options);
    };
  }

  /** The Grad-CAM layer a Grad-CAM graph was compiled for (its metadata), or null. */
  public static String layerOf(Onnx.ModelProto gradcam) {
    return gradcam.getMetadataPropsList().stream().filter(e -> e.getKey().equals(LAYER_KEY))
        .map(Onnx.StringStringEntryProto::getValue).findFirst().orElse(null);
  }

  private static Onnx.ModelProto gradcam(Prepared p, GradientOptions options) {
    String layer = options.layer() != null ? p.resolveLayer(options.layer()) : defaultLayerOrInput(p);
    SpatialLayout layout = p.layout(layer);
    return gradcam(p, options, layer, layout).toBuilder()
        .addMetadataProps(Onnx.StringStringEntryProto.newBuilder().setKey(LAYER_KEY).setValue(layer))
        .addMetadataProps(Onnx.StringStringEntryProto.newBuilder().setKey(LAYOUT_KEY).setValue(layout.describe()))
        .build();
  }

  /**
   * A model without spatial activations (no Grad-CAM layer) still gets its saliency and inversion
   * graphs; its Grad-CAM graph then reports the input itself.
   */
  private static String defaultLayerOrInput(Prepared p) {
    try {
      return p.defaultLayer();
    } catch (LanterneException e) {
      return p.input();
    }
  }

  /** Output name of attention map i in an attention graph. */
  public static String attentionName(int i) {
    return "attention_" + i;
  }

  /** Output name of the gradient of attention map i in an attention graph. */
  public static String attentionGradientName(int i) {
    return "grad_attention_" + i;
  }

  /** Metadata key of an attention graph: heads per image, tokens, and maps (e.g. "4,197,12"). */
  public static final String ATTENTION_KEY = "lanterne.attention";

  /**
   * The attention graph of a transformer: scores, every attention map found by
   * {@link LayerFinder#attentionMaps} as outputs attention_i ([N*heads,T,T] or [N,heads,T,T]) and,
   * when gradients is set, d(sum seed*y)/d(attention_i) as grad_attention_i. It has the seed input
   * either way.
   *
   * @throws LanterneException when the model has no attention map
   */
  public static Onnx.ModelProto attention(Onnx.ModelProto model, GradientOptions options, boolean gradients) {
    Prepared p = prepare(model);
    List<LayerFinder.Attention> maps = p.attentionMaps();
    if (maps.isEmpty()) {
      throw new LanterneException("the model has no attention map (a Softmax over keys feeding a MatMul);"
          + " attention rollout needs a ViT-like transformer");
    }
    LayerFinder.Attention first = maps.get(0);
    for (LayerFinder.Attention a : maps) {
      if (a.heads() != first.heads() || a.tokens() != first.tokens()) {
        throw new LanterneException("the attention maps differ in heads or tokens (" + first.tensor() + ": "
            + first.heads() + "x" + first.tokens() + ", " + a.tensor() + ": " + a.heads() + "x" + a.tokens()
            + "); rollout needs one token sequence through all blocks, as in ViT and DeiT");
      }
    }
    Builder b = new Builder(p, options.variant());
    List<String> tensors = maps.stream().map(LayerFinder.Attention::tensor).toList();
    Map<String, String> grads = gradients ? p.paths().emit(b.emitter, p.output(), SEED, options.variant(), tensors)
        : Map.of();
    for (int i = 0; i < tensors.size(); i++) {
      b.output(attentionName(i), tensors.get(i), tensors.get(i));
      if (gradients) {
        b.output(attentionGradientName(i), grads.get(tensors.get(i)), tensors.get(i));
      }
    }
    return b.build().toBuilder().addMetadataProps(Onnx.StringStringEntryProto.newBuilder().setKey(ATTENTION_KEY)
        .setValue(first.heads() + "," + first.tokens() + "," + maps.size())).build();
  }

  /** Only the saliency graph (y, dy/dx). */
  public static Onnx.ModelProto compileSaliency(Onnx.ModelProto model, GradientOptions options) {
    return saliency(prepare(model), options);
  }

  /** Only the inversion-step graph (x_next, dy/dx, y). */
  public static Onnx.ModelProto compileInversion(Onnx.ModelProto model, GradientOptions options) {
    return inversion(prepare(model), options);
  }

  /** Makes the batch dynamic when the model fixes it to 1 and the rewrite runs, then probes shapes. */
  public static Prepared prepare(Onnx.ModelProto model) {
    Onnx.ValueInfoProto in = imageInput(model.getGraph());
    String output = model.getGraph().getOutput(0).getName();
    List<Onnx.TensorShapeProto.Dimension> dims = in.getType().getTensorType().getShape().getDimList();
    long[] chw = new long[3];
    for (int i = 0; i < 3; i++) {
      Onnx.TensorShapeProto.Dimension d = dims.get(i + 1);
      if (!d.hasDimValue() || d.getDimValue() < 1) {
        throw new LanterneException("input '" + in.getName() + "' has no fixed size on axis " + (i + 1)
            + "; Lanterne needs an image input [N,C,H,W] with fixed C, H and W");
      }
      chw[i] = d.getDimValue();
    }
    Onnx.TensorShapeProto.Dimension batchDim = dims.get(0);
    boolean fixed = batchDim.hasDimValue() && batchDim.getDimValue() > 0;
    if (fixed && batchDim.getDimValue() != 1) {
      throw new LanterneException("input '" + in.getName() + "' has a fixed batch of " + batchDim.getDimValue()
          + "; Lanterne needs a batch of 1 or a dynamic batch");
    }
    if (fixed) {
      Optional<byte[]> rewritten = BatchRewrite.makeBatchDynamic(model.toByteArray());
      if (rewritten.isPresent()) {
        try {
          Onnx.ModelProto dynamic = OnnxModels.parse(rewritten.get(), "the batch-dynamic rewrite");
          ProbedShapes shapes = ShapeProbe.probe(dynamic, in.getName(), chw, true);
          if (shapes.followsBatch(output)[0]) {
            return prepared(dynamic, in.getName(), output, chw, true, shapes);
          }
        } catch (LanterneException e) {
          // the rewrite does not run batched: keep the fixed batch and run one image at a time
        }
      }
    }
    ProbedShapes shapes = ShapeProbe.probe(model, in.getName(), chw, !fixed);
    long[] yDims = shapes.dims(output);
    if (yDims.length != 2) {
      throw new LanterneException("output '" + output + "' has shape " + java.util.Arrays.toString(yDims)
          + " at batch 1; Lanterne needs class scores of shape [N, classes]");
    }
    return prepared(model, in.getName(), output, chw, !fixed, shapes);
  }

  /**
   * Folds the shape arithmetic (see {@link ShapeFolding}) where the graph needs it, and finds the paths
   * to differentiate. A graph whose shape inputs are all constants is left as it is, so that ONNX Runtime
   * optimises its forward part exactly as it does the deployed model's (scores equal bit for bit).
   */
  private static Prepared prepared(Onnx.ModelProto model, String input, String output, long[] chw, boolean batched,
      ProbedShapes shapes) {
    Onnx.ModelProto folded = needsShapeFolding(model) ? ShapeFolding.fold(model, shapes, input, batched) : model;
    Onnx.ModelProto differentiated = ChannelLastNorms.rewrite(folded, shapes);
    ProbedShapes probed = differentiated == folded ? shapes : ShapeProbe.probe(differentiated, input, chw, batched);
    // the derived graphs' forward part stays ONNX Runtime's optimisation of the model as given
    Survivors survivors = new Survivors(folded);
    survivors.describe(input, chw, batched, probed);
    return new Prepared(differentiated, input, output, chw, batched, probed,
        new Backprop(differentiated.getGraph(), probed, input, output), survivors);
  }

  /** Operators whose inputs after the first are shapes, indices or sizes that a gradient rule reads as constants. */
  private static final Set<String> SHAPE_INPUT_OPS = Set.of("Slice", "Pad", "Split", "Tile", "Expand", "Resize",
      "Upsample", "Range", "ConstantOfShape", "ScatterND", "GatherElements", "CumSum", "ReduceMean", "ReduceSum",
      "ReduceMax", "ReduceMin", "ReduceL2", "Squeeze", "Unsqueeze");

  /**
   * Whether some operator of the graph takes a shape, index or size computed at run time (from
   * {@code Shape} chains), which the compiler must fold to a constant before differentiating.
   */
  public static boolean needsShapeFolding(Onnx.ModelProto model) {
    Onnx.GraphProto g = model.getGraph();
    Set<String> constants = new HashSet<>();
    g.getInitializerList().forEach(t -> constants.add(t.getName()));
    for (Onnx.NodeProto n : g.getNodeList()) {
      if (n.getOpType().equals("Constant")) {
        constants.addAll(n.getOutputList());
      }
    }
    for (Onnx.NodeProto n : g.getNodeList()) {
      if (SHAPE_INPUT_OPS.contains(n.getOpType())) {
        for (int i = 1; i < n.getInputCount(); i++) {
          String in = n.getInput(i);
          if (!in.isEmpty() && !constants.contains(in)) {
            return true;
          }
        }
      }
    }
    return false;
  }

  private static Onnx.ValueInfoProto imageInput(Onnx.GraphProto g) {
    Set<String> inits = new HashSet<>();
    g.getInitializerList().forEach(t -> inits.add(t.getName()));
    for (Onnx.ValueInfoProto v : g.getInputList()) {
      if (!inits.contains(v.getName())) {
        if (v.getType().getTensorType().getShape().getDimCount() != 4) {
          throw new LanterneException("input '" + v.getName() + "' is not 4-D; Lanterne needs an image input"
              + " [N,C,H,W]");
        }
        return v;
      }
    }
    throw new LanterneException("the model has no input; Lanterne needs an image input [N,C,H,W]");
  }

  /** Name of the scores output in every derived graph: the model's own output name. */
  public static String scoresName(Onnx.ModelProto derived) {
    return derived.getGraph().getOutput(0).getName();
  }

  static Onnx.ModelProto saliency(Prepared p, GradientOptions o) {
    Builder b = new Builder(p, o.variant());
    String g = b.backprop(p.input()).get(p.input());
    b.output(GRAD_INPUT, g, p.input());
    return b.build();
  }

  /**
   * The Grad-CAM graph: scores, A and dA, both read as [N,C,h,w] whatever the layer's layout (channels
   * last is transposed; tokens lose their leading class/distillation tokens and the patch tokens are
   * reshaped to the patch grid, as pytorch-grad-cam's reshape_transform does by hand).
   */
  static Onnx.ModelProto gradcam(Prepared p, GradientOptions o, String layer, SpatialLayout layout) {
    Builder b = new Builder(p, o.variant());
    String g = b.backprop(layer).get(layer);
    if (layout.kind() == SpatialLayout.Kind.NCHW) {
      b.output(ACTIVATION, layer, layer);
      b.output(GRAD_ACTIVATION, g, layer);
    } else {
      boolean[] batch = {p.shapes().followsBatch(layer)[0], false, false, false};
      b.output(ACTIVATION, toChannelsFirst(b.emitter, layer, layout), layout.camShape(), batch);
      b.output(GRAD_ACTIVATION, toChannelsFirst(b.emitter, g, layout), layout.camShape(), batch);
    }
    return b.build();
  }

  /** [N,h,w,C] or [N,P+h*w,C] to [N,C,h,w]. */
  private static String toChannelsFirst(GraphEmitter e, String t, SpatialLayout layout) {
    String x = t;
    if (layout.kind() == SpatialLayout.Kind.TOKENS) {
      if (layout.prefixTokens() > 0) {
        long[] patches = new long[layout.height() * layout.width()];
        for (int i = 0; i < patches.length; i++) {
          patches[i] = layout.prefixTokens() + i;
        }
        x = e.op("Gather", List.of(x, e.ints(patches)), dev.lanterne.onnx.Attributes.ofInt("axis", 1));
      }
      x = e.reshape(x, e.ints(0, layout.height(), layout.width(), layout.channels()));
    }
    return e.transpose(x, new long[] {0, 3, 1, 2});
  }

  static Onnx.ModelProto inversion(Prepared p, GradientOptions o) {
    Builder b = new Builder(p, o.variant());
    GraphEmitter e = b.emitter;
    String x = p.input();
    String g = b.backprop(x).get(x);
    b.scalarInput(LR);
    b.scalarInput(L2);
    // x + lr * (g / mean|g| - l2 * x) as x * (1 - lr * l2) + g * (lr / mean|g|): the per-image and scalar
    // factors are computed on their own, so four operators run over the image instead of seven (the floor
    // of mean|g| keeps lr / mean|g| finite)
    String gain = LR;
    if (o.normalizeInversion()) {
      // per-image mean |g|; the floor only guards an all-zero gradient (0 / tiny = 0)
      long count = p.chw()[0] * p.chw()[1] * p.chw()[2];
      String meanAbs = e.op("Max", e.mul(e.reduceL1(g, new long[] {1, 2, 3}, true), e.scalar(1f / count)),
          e.scalar(1e-30f));
      gain = e.div(LR, meanAbs);
    }
    String keep = e.sub(e.scalar(1f), e.mul(LR, L2));
    b.output(NEXT, e.add(e.mul(x, keep), e.mul(g, gain)), x);
    b.output(GRAD_INPUT, g, x);
    return b.build();
  }

  /**
   * The tensors of the forward model that survive ONNX Runtime's graph optimisations, found once (on
   * first use) for all derived graphs of a model; null when the model cannot be optimised here.
   */
  public static final class Survivors {
    private final Onnx.ModelProto model;
    private Onnx.ModelProto optimised;
    private boolean done;

    Survivors(Onnx.ModelProto model) {
      this.model = model;
    }

    private java.util.Set<String> names;
    private String input;
    private long[] chw;
    private boolean batched;
    private ProbedShapes shapes;

    /** The forward model as ONNX Runtime optimises it, or null. */
    synchronized Onnx.ModelProto get() {
      if (!done) {
        done = true;
        optimised = FusionSafeView.optimise(model);
        if (optimised != null) {
          try {
            // a tensor keeps its name through the optimisations only if it keeps its shape
            ProbedShapes after = ShapeProbe.probe(optimised, input, chw, batched);
            names = new HashSet<>();
            for (String n : FusionSafeView.names(optimised.getGraph())) {
              if (!shapes.has(n) || after.has(n) && java.util.Arrays.equals(after.dims(n), shapes.dims(n))
                  && java.util.Arrays.equals(after.followsBatch(n), shapes.followsBatch(n))) {
                names.add(n);
              }
            }
          } catch (RuntimeException e) {
            optimised = null;
          }
        }
      }
      return optimised;
    }

    synchronized java.util.Set<String> names() {
      get();
      return new HashSet<>(names);
    }

    void describe(String input, long[] chw, boolean batched, ProbedShapes shapes) {
      this.input = input;
      this.chw = chw;
      this.batched = batched;
      this.shapes = shapes;
    }
  }

  /** Assembles one derived model: forward graph, seed input, backward nodes, named outputs. */
  private static final class Builder {
    private final Prepared p;
    private final Variant variant;
    private final GraphEmitter emitter;
    private final Onnx.GraphProto.Builder graph;
    private final List<Onnx.ValueInfoProto> extraOutputs = new ArrayList<>();
    private final Set<String> taken = new HashSet<>();
    private final Onnx.ModelProto base;

    Builder(Prepared p, Variant variant) {
      this.p = p;
      this.variant = variant;
      this.emitter = new GraphEmitter(OnnxModels.opset(p.model()), p.shapes(), PREFIX);
      Onnx.GraphProto g = p.model().getGraph();
      emitter.setForwardView(p.view());
      g.getInputList().forEach(v -> taken.add(v.getName()));
      g.getInitializerList().forEach(t -> taken.add(t.getName()));
      g.getNodeList().forEach(n -> taken.addAll(n.getOutputList()));
      for (String reserved : List.of(SEED, GRAD_INPUT, ACTIVATION, GRAD_ACTIVATION, NEXT, LR, L2)) {
        if (taken.contains(reserved)) {
          throw new LanterneException("the model already has a tensor named '" + reserved
              + "'; rename it before compiling gradients");
        }
      }
      long[] yDims = p.shapes().dims(p.output());
      boolean[] yBatch = p.shapes().followsBatch(p.output());
      // the forward part is the plain model as ONNX Runtime optimises it, so that it runs the same
      // fused kernels as `classify` whatever the backward reads (see FusionSafeView)
      Onnx.ModelProto optimised = p.survivors().get();
      base = optimised != null ? optimised : p.model();
      graph = base.getGraph().toBuilder().clearOutput().addOutput(valueInfo(p.output(), yDims, yBatch));
      graph.addInput(valueInfo(SEED, yDims, yBatch));
    }

    Map<String, String> backprop(String wanted) {
      return p.paths().emit(emitter, p.output(), SEED, variant, List.of(wanted));
    }

    void scalarInput(String name) {
      graph.addInput(valueInfo(name, new long[0], new boolean[0]));
    }

    /** Adds a graph output `name` holding tensor t, shaped like tensor `like`. */
    void output(String name, String t, String like) {
      output(name, t, p.shapes().dims(like), p.shapes().followsBatch(like));
    }

    /** Adds a graph output `name` holding tensor t of shape dims at batch 1. */
    void output(String name, String t, long[] dims, boolean[] batch) {
      emitter.opNamed("Identity", List.of(t), name);
      extraOutputs.add(valueInfo(name, dims, batch));
    }

    Onnx.ModelProto build() {
      List<Onnx.NodeProto> emitted = live(emitter.nodes(), extraOutputs);
      graph.addAllNode(emitted);
      List<Onnx.TensorProto> constants = readBy(emitted, emitter.initializers());
      graph.addAllInitializer(constants);
      graph.addAllOutput(extraOutputs);
      if (base != p.model()) {
        // constants of the original graph the backward reads but the optimised forward no longer has,
        // or has changed under the same name (ONNX Runtime transposes constants in place)
        Map<String, Onnx.TensorProto> present = dev.lanterne.onnx.Graphs.constants(base.getGraph());
        Map<String, Onnx.TensorProto> original = dev.lanterne.onnx.Graphs.constants(p.model().getGraph());
        Map<String, String> renamed = new java.util.HashMap<>();
        for (Onnx.NodeProto n : emitted) {
          for (String in : n.getInputList()) {
            Onnx.TensorProto t = original.get(in);
            if (t == null || renamed.containsKey(in)) {
              continue;
            }
            Onnx.TensorProto now = present.get(in);
            if (now == null) {
              graph.addInitializer(t);
              renamed.put(in, in);
            } else if (!now.toBuilder().clearName().build().equals(t.toBuilder().clearName().build())) {
              String copy = PREFIX + "original/" + in;
              graph.addInitializer(t.toBuilder().setName(copy));
              renamed.put(in, copy);
            } else {
              renamed.put(in, in);
            }
          }
        }
        List<Onnx.NodeProto> backward = new ArrayList<>();
        for (Onnx.NodeProto n : emitted) {
          Onnx.NodeProto.Builder nb = n.toBuilder();
          for (int k = 0; k < n.getInputCount(); k++) {
            nb.setInput(k, renamed.getOrDefault(n.getInput(k), n.getInput(k)));
          }
          backward.add(nb.build());
        }
        graph.clearNode().addAllNode(base.getGraph().getNodeList()).addAllNode(backward);
      }
      Onnx.ModelProto m = base;
      if (m.getIrVersion() < 4) {
        // before IR 4, every initializer must also be declared as a graph input
        for (Onnx.TensorProto t : constants) {
          graph.addInput(valueInfo(t.getName(), t.getDimsList().stream().mapToLong(Long::longValue).toArray(),
              new boolean[t.getDimsCount()], t.getDataType()));
        }
      }
      return m.toBuilder().setGraph(graph).build();
    }
  }

  /**
   * The emitted nodes that lead to an output, in order. ONNX Runtime runs every node of a graph, read or
   * not: the Grad-CAM graph used to carry the whole backward down to the image (its rules are emitted for
   * every node between image and scores) and cost as much as a saliency graph (resnet18, batch 16: 750 ms,
   * now 293 ms against a 282 ms forward); a node a later simplification left unread (an Expand summed as
   * its smaller source) goes too.
   */
  static List<Onnx.NodeProto> live(List<Onnx.NodeProto> emitted, List<Onnx.ValueInfoProto> outputs) {
    // (the onnx package's Graphs: GradientCompiler.Graphs is the three derived graphs)
    return dev.lanterne.onnx.Graphs.computing(emitted, outputs.stream().map(Onnx.ValueInfoProto::getName).toList());
  }

  /** The constants some node reads (those only dropped nodes read would make ONNX Runtime warn at load). */
  static List<Onnx.TensorProto> readBy(List<Onnx.NodeProto> nodes, List<Onnx.TensorProto> constants) {
    java.util.Set<String> read = new java.util.HashSet<>();
    nodes.forEach(n -> read.addAll(n.getInputList()));
    return constants.stream().filter(t -> read.contains(t.getName())).toList();
  }

  static Onnx.ValueInfoProto valueInfo(String name, long[] dims, boolean[] batch) {
    return valueInfo(name, dims, batch, Onnx.TensorProto.DataType.FLOAT_VALUE);
  }

  static Onnx.ValueInfoProto valueInfo(String name, long[] dims, boolean[] batch, int type) {
    Onnx.TensorShapeProto.Builder shape = Onnx.TensorShapeProto.newBuilder();
    for (int i = 0; i < dims.length; i++) {
      shape.addDim(batch[i] ? Onnx.TensorShapeProto.Dimension.newBuilder().setDimParam("N")
          : Onnx.TensorShapeProto.Dimension.newBuilder().setDimValue(dims[i]));
    }
    return Onnx.ValueInfoProto.newBuilder().setName(name).setType(Onnx.TypeProto.newBuilder()
        .setTensorType(Onnx.TypeProto.Tensor.newBuilder().setElemType(type).setShape(shape))).build();
  }
}
