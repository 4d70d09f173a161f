package dev.lanterne.grad;

import dev.lanterne.onnx.Attributes;
import dev.lanterne.onnx.TensorProtos;
import dev.lanterne.onnx.proto.Onnx;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Appends nodes and constants to a graph being built, in the form each operator takes at the
 * model's opset (axes, pads and slice bounds moved from attributes to inputs over the versions).
 */
public final class GraphEmitter {
  private final int opset;
  private final ProbedShapes shapes;
  private final String prefix;
  private final List<Onnx.NodeProto> nodes = new ArrayList<>();
  private final List<Onnx.TensorProto> initializers = new ArrayList<>();
  private final Map<String, String> shapeCache = new HashMap<>();
  private final Map<String, String> constCache = new HashMap<>();
  private final Map<String, String[]> emitted = new HashMap<>();
  /** Outputs of {@link #mask}, and for each output of {@link #mul} its two factors. */
  private final java.util.Set<String> masks = new java.util.HashSet<>();
  private final Map<String, List<String>> products = new HashMap<>();
  /** For each output of {@link #expandLike}, the smaller tensor it broadcasts and the tensor it is shaped like. */
  private final Map<String, Expansion> expansions = new HashMap<>();

  private record Expansion(String source, String like) {}

  /** For each output of {@link #place}, the tensor it pads and where along the one axis it pads. */
  private final Map<String, Placement> placements = new HashMap<>();

  private record Placement(String source, int axis, long begin, long end, long size) {
    long length() {
      return size - begin - end;
    }
  }

  /** For each output of {@link #interleave}, the tensor it spreads out and how. */
  private final Map<String, Interleaving> interleavings = new HashMap<>();

  /**
   * source holds the elements starts[i] + steps[i]*k of axes[i] of a tensor of sizes[i] there; its own
   * shape at batch 1 is dims, and batch says which of its axes follow the batch.
   */
  private record Interleaving(String source, long[] axes, long[] starts, long[] steps, long[] sizes, long[] dims,
      boolean[] batch) {
    String key() {
      return Arrays.toString(axes) + Arrays.toString(steps) + Arrays.toString(sizes) + Arrays.toString(dims)
          + Arrays.toString(batch);
    }
  }
  private ForwardView view = ForwardView.IDENTITY;
  private int counter;

  /**
   * Which tensor the backward reads in place of a forward tensor. The backward must not consume the
   * forward part's tensors where that stops ONNX Runtime from fusing the forward nodes the way it fuses
   * the plain model (a quantized model's int8 kernels): it reads its own copies instead.
   */
  public interface ForwardView {
    /** No substitution: the backward reads forward tensors directly. */
    ForwardView IDENTITY = (t, e) -> t;

    /**
     * The tensor to read in place of forward tensor t (t itself, or one emitted with
     * {@link GraphEmitter#rawOp}).
     */
    String resolve(String tensor, GraphEmitter e);
  }

  /**
   * An emitter with no node yet.
   *
   * @param opset the model's opset, which decides operator forms
   * @param shapes the forward graph's probed shapes
   * @param prefix start of every name it makes, which tells its tensors from the forward graph's
   */
  public GraphEmitter(int opset, ProbedShapes shapes, String prefix) {
    this.opset = opset;
    this.shapes = shapes;
    this.prefix = prefix;
  }

  /** The opset operators are emitted for. */
  public int opset() {
    return opset;
  }

  /** Sets the view through which every emitted node reads forward tensors. */
  public void setForwardView(ForwardView view) {
    this.view = view;
  }

  /** The forward graph's probed shapes. */
  public ProbedShapes shapes() {
    return shapes;
  }

  /** The nodes emitted so far, in order (the live list). */
  public List<Onnx.NodeProto> nodes() {
    return nodes;
  }

  /** The constants emitted so far (the live list). */
  public List<Onnx.TensorProto> initializers() {
    return initializers;
  }

  /** A new unique tensor or node name: the prefix, the hint and a counter. */
  public String fresh(String hint) {
    return prefix + hint + "_" + (counter++);
  }

  /** Emits a node with one output and returns the output's name. */
  public String op(String type, List<String> inputs, Onnx.AttributeProto... attrs) {
    return opN(type, inputs, 1, attrs)[0];
  }

  /** Emits a node with one input and one output; returns the output's name. */
  public String op(String type, String input, Onnx.AttributeProto... attrs) {
    return op(type, List.of(input), attrs);
  }

  /** Emits a node with two inputs and one output; returns the output's name. */
  public String op(String type, String a, String b, Onnx.AttributeProto... attrs) {
    return op(type, List.of(a, b), attrs);
  }

  /**
   * Emits a node with n outputs. Forward tensors among the inputs are read through the forward view;
   * a node identical to one already emitted (same type, inputs and attributes) is not emitted again.
   */
  public String[] opN(String type, List<String> inputs, int n, Onnx.AttributeProto... attrs) {
    List<String> viewed = new ArrayList<>(inputs.size());
    for (String in : inputs) {
      viewed.add(in.isEmpty() || in.startsWith(prefix) ? in : view.resolve(in, this));
    }
    return rawOpN(type, viewed, n, attrs);
  }

  /** Emits a node reading exactly the given tensors (no forward view), or reuses an identical one. */
  public String rawOp(String type, List<String> inputs, Onnx.AttributeProto... attrs) {
    return rawOpN(type, inputs, 1, attrs)[0];
  }

  private String[] rawOpN(String type, List<String> inputs, int n, Onnx.AttributeProto... attrs) {
    return rawOpN(type, "", inputs, n, attrs);
  }

  /** As {@link #rawOp}, for an operator of any domain with n outputs. */
  public String[] rawOpN(String type, String domain, List<String> inputs, int n, Onnx.AttributeProto... attrs) {
    StringBuilder key = new StringBuilder(domain).append(':').append(type).append('|').append(n).append('|')
        .append(inputs);
    for (Onnx.AttributeProto a : attrs) {
      key.append('|').append(a);
    }
    String k = key.toString();
    String[] known = emitted.get(k);
    if (known != null) {
      return known;
    }
    String[] outs = new String[n];
    String base = fresh(type);
    for (int i = 0; i < n; i++) {
      outs[i] = n == 1 ? base : base + ":" + i;
    }
    Onnx.NodeProto.Builder node = Onnx.NodeProto.newBuilder().setOpType(type).setName(base).addAllInput(inputs)
        .addAllOutput(Arrays.asList(outs)).addAllAttribute(Arrays.asList(attrs));
    if (!domain.isEmpty()) {
      node.setDomain(domain);
    }
    nodes.add(node.build());
    emitted.put(k, outs);
    return outs;
  }

  /** Emits a node whose output name is given (for the graph's named outputs). */
  public void opNamed(String type, List<String> inputs, String output, Onnx.AttributeProto... attrs) {
    List<String> viewed = new ArrayList<>(inputs.size());
    for (String in : inputs) {
      viewed.add(in.isEmpty() || in.startsWith(prefix) ? in : view.resolve(in, this));
    }
    nodes.add(Onnx.NodeProto.newBuilder().setOpType(type).setName(fresh(type)).addAllInput(viewed)
        .addOutput(output).addAllAttribute(Arrays.asList(attrs)).build());
  }

  /** Adds a constant under a fresh name (the value's own name is ignored) and returns that name. */
  public String constant(Onnx.TensorProto value) {
    String name = fresh("const");
    initializers.add(value.toBuilder().setName(name).build());
    return name;
  }

  /** A rank-0 float constant (broadcasts against anything). */
  public String scalar(float v) {
    return constCache.computeIfAbsent("f" + Float.floatToIntBits(v),
        k -> constant(TensorProtos.scalar("", v)));
  }

  /** A rank-0 integer constant of an ONNX integer type (one per type and value, so equal nodes are shared). */
  public String integerScalar(long v, int dataType) {
    return constCache.computeIfAbsent("i" + dataType + ":" + v,
        k -> constant(TensorProtos.ofIntegers("", new long[0], new long[] {v}, dataType)));
  }

  /** A float constant of this shape. */
  public String floats(long[] dims, float[] values) {
    return constant(TensorProtos.ofFloats("", dims, values));
  }

  /** A rank-1 int64 constant. */
  public String ints(long... values) {
    return constCache.computeIfAbsent("i" + Arrays.toString(values),
        k -> constant(TensorProtos.vector("", values)));
  }

  /** The runtime shape of a tensor (one Shape node per tensor, reused). */
  public String shapeOf(String tensor) {
    return shapeCache.computeIfAbsent(tensor, t -> op("Shape", t));
  }

  /** a + b, broadcasting. */
  public String add(String a, String b) {
    return op("Add", a, b);
  }

  /** a - b, broadcasting. */
  public String sub(String a, String b) {
    return op("Sub", a, b);
  }

  /** a * b, broadcasting; a product already masked by the same 0/1 mask b is returned as it is (m * m = m). */
  public String mul(String a, String b) {
    a = narrowed(a, b);
    b = narrowed(b, a);
    if (masks.contains(b) && products.getOrDefault(a, List.of()).contains(b)) {
      return a;
    }
    String product = op("Mul", a, b);
    products.put(product, List.of(a, b));
    return product;
  }

  /**
   * x as the smaller tensor it was expanded from, when the other operand of a broadcasting product is a
   * forward tensor of x's full shape: the product has that shape anyway, and the full-size copy is not
   * written (the gradient of a decomposed LayerNorm's variance times 2(x - mean)).
   */
  private String narrowed(String x, String other) {
    Expansion ex = expansions.get(x);
    if (ex == null || !shapes.has(other) || !shapes.has(ex.like())) {
      return x;
    }
    boolean same = java.util.Arrays.equals(shapes.dims(other), shapes.dims(ex.like()))
        && java.util.Arrays.equals(shapes.followsBatch(other), shapes.followsBatch(ex.like()));
    return same ? ex.source() : x;
  }

  /** x * c; on the smaller tensor when x was made by {@link #expandLike} (the result is expanded again). */
  public String scale(String x, float c) {
    Expansion ex = expansions.get(x);
    return ex == null ? mul(x, scalar(c)) : expandLike(mul(ex.source(), scalar(c)), ex.like());
  }

  /** a / b, broadcasting. */
  public String div(String a, String b) {
    return op("Div", a, b);
  }

  /** -a. */
  public String neg(String a) {
    return op("Neg", a);
  }

  /**
   * Sums several contributions of one shape. A part made by {@link #expandLike} is summed as the smaller
   * tensor it broadcasts when another part has the full shape: Add broadcasts, so the
   * full-size copy is never written (a decomposed LayerNorm's two means, 10% of Swin-T's backward).
   */
  public String sum(List<String> parts) {
    if (parts.size() == 1) {
      return parts.get(0);
    }
    parts = interleaved(concatenated(parts));
    if (parts.size() == 1) {
      return parts.get(0);
    }
    if (parts.stream().anyMatch(t -> !expansions.containsKey(t))) {
      parts = parts.stream().map(t -> expansions.containsKey(t) ? expansions.get(t).source() : t).toList();
    }
    if (opset < 7) {
      return op("Sum", parts);
    }
    // a chain of Adds, in order (what Sum computes): ONNX Runtime's Add is vectorised and threaded where
    // its Sum is not (measured on [16,64,112,112]: three 2-input Sums 36 ms, three Adds 20 ms; one
    // 4-input Sum 25-28 ms, the chain of three Adds 19-23 ms)
    String total = parts.get(0);
    for (int i = 1; i < parts.size(); i++) {
      total = add(total, parts.get(i));
    }
    return total;
  }

  /**
   * g zero-padded along one axis (pads: ONNX order, zero except at that axis) to the given size there;
   * {@link #sum} joins placements that tile the axis with one Concat.
   */
  public String place(String g, long[] pads, int axis, long size) {
    String placed = pad(g, pads, 0f);
    int rank = pads.length / 2;
    placements.put(placed, new Placement(g, axis, pads[axis], pads[axis + rank], size));
    return placed;
  }

  /**
   * The parts with those made by {@link #place} that tile one axis between them (the gradients of q, k
   * and v sliced from one projection) replaced by the Concat of what they pad: one pass over the
   * result where the padded copies and their Sum took four.
   */
  private List<String> concatenated(List<String> parts) {
    List<String> out = new ArrayList<>(parts);
    for (List<Placement> group : recorded(parts, placements, p -> p.axis() + "/" + p.size())) {
      if (group.size() < 2) {
        continue;
      }
      List<Placement> ordered = new ArrayList<>(group);
      ordered.sort(java.util.Comparator.comparingLong(Placement::begin));
      long next = 0;
      for (Placement p : ordered) {
        next = p.begin() == next && p.length() > 0 ? p.begin() + p.length() : -1;
        if (next < 0) {
          break;
        }
      }
      if (next != ordered.get(0).size()) {
        continue;
      }
      for (Placement p : group) {
        out.removeIf(t -> placements.get(t) == p);
      }
      out.add(op("Concat", ordered.stream().map(Placement::source).toList(),
          Attributes.ofInt("axis", ordered.get(0).axis())));
    }
    return out;
  }

  /** The records of the parts that have one, grouped by key, in the parts' order. */
  private static <T> java.util.Collection<List<T>> recorded(List<String> parts, Map<String, T> records,
      java.util.function.Function<T, String> key) {
    Map<String, List<T>> groups = new java.util.LinkedHashMap<>();
    for (String t : parts) {
      T r = records.get(t);
      if (r != null) {
        groups.computeIfAbsent(key.apply(r), k -> new ArrayList<>()).add(r);
      }
    }
    return groups.values();
  }

  /**
   * Records that spread (already emitted: g spread out with zeros and padded to the full shape) holds g
   * at the elements starts[i] + steps[i]*k of axes[i] (every steps[i]-th one, sizes[i] = steps[i] times
   * g's size there); {@link #sum} interleaves spreads whose starts cover every offset with one
   * Concat per axis. Returns spread.
   */
  public String interleave(String spread, String g, long[] axes, long[] starts, long[] steps, long[] sizes,
      long[] dims, boolean[] batch) {
    interleavings.put(spread, new Interleaving(g, axes.clone(), starts.clone(), steps.clone(), sizes.clone(),
        dims.clone(), batch.clone()));
    return spread;
  }

  /**
   * The parts made by {@link #interleave} whose offsets cover every residue of their steps (the four
   * strided slices x[0::2, 0::2], x[1::2, 0::2], ... of Swin's patch merging) replaced by their
   * interleaving: per axis, the sources stacked along a new axis after it and merged into it by a
   * Reshape. Two passes over the result where the spread copies and their Sum took a dozen.
   */
  private List<String> interleaved(List<String> parts) {
    List<String> out = new ArrayList<>(parts);
    for (List<Interleaving> group : recorded(parts, interleavings, Interleaving::key)) {
      Interleaving first = group.get(0);
      long cells = 1;
      for (long st : first.steps()) {
        cells *= st;
      }
      Map<String, String> byStarts = new HashMap<>();
      for (Interleaving p : group) {
        byStarts.put(Arrays.toString(p.starts()), p.source());
      }
      if (group.size() != cells || byStarts.size() != cells) {
        continue;
      }
      for (Interleaving p : group) {
        out.removeIf(t -> interleavings.get(t) == p);
      }
      out.add(interleaveLevel(first, byStarts, 0, new long[first.axes().length]));
    }
    return out;
  }

  /** The interleaving over axes level.. of the sources whose starts begin with prefix. */
  private String interleaveLevel(Interleaving shape, Map<String, String> byStarts, int level, long[] prefix) {
    if (level == shape.axes().length) {
      return byStarts.get(Arrays.toString(prefix));
    }
    int a = (int) shape.axes()[level];
    List<String> stacked = new ArrayList<>();
    for (long j = 0; j < shape.steps()[level]; j++) {
      long[] next = prefix.clone();
      next[level] = j;
      stacked.add(unsqueeze(interleaveLevel(shape, byStarts, level + 1, next), new long[] {a + 1}));
    }
    String stack = op("Concat", stacked, Attributes.ofInt("axis", a + 1));
    // merged shape: the later axes already at their full sizes, this one now too
    long[] dims = shape.dims().clone();
    for (int l = level; l < shape.axes().length; l++) {
      dims[(int) shape.axes()[l]] = shape.sizes()[l];
    }
    long[] target = new long[dims.length];
    for (int i = 0; i < dims.length; i++) {
      // a batch axis before a keeps its size (0); one after it is the one inferred (-1)
      target[i] = shape.batch()[i] ? (i < a ? 0 : -1) : dims[i];
    }
    return reshape(stack, ints(target));
  }

  /** 1.0 where the condition holds, else 0.0. */
  public String mask(String condition) {
    String m = op("Cast", condition, Attributes.ofInt("to", Onnx.TensorProto.DataType.FLOAT_VALUE));
    masks.add(m);
    return m;
  }

  /**
   * 1.0 where t &gt; 0, else 0.0: Cast(Greater(t, 0)). With ONNX Runtime 1.24 the comparison writes one
   * byte per element and the Cast is vectorised, so the mask costs about one Mul (measured on
   * [16,96,56,56]: Greater+Cast+Mul 4.7 ms, Min(t * 2^100, 1)+Mul 8.2 ms, Sign+Mul 15 ms).
   */
  public String positive(String nonNegative) {
    return mask(greater(nonNegative, scalar(0f)));
  }

  /** x converted to an ONNX data type ({@code TensorProto.DataType} value). */
  public String castTo(String x, int dataType) {
    return op("Cast", x, Attributes.ofInt("to", dataType));
  }

  /** The boolean a &gt; b, broadcasting. */
  public String greater(String a, String b) {
    return op("Greater", a, b);
  }

  /** The boolean a &lt; b, broadcasting. */
  public String less(String a, String b) {
    return op("Less", a, b);
  }

  /** x with its axes permuted. */
  public String transpose(String x, long[] perm) {
    return op("Transpose", x, Attributes.ofInts("perm", perm));
  }

  /** x reshaped to the shape held by an int64 tensor. */
  public String reshape(String x, String shapeTensor) {
    return op("Reshape", x, shapeTensor);
  }

  /** Reshapes g to the runtime shape of tensor t (batch-independent). */
  public String reshapeLike(String g, String t) {
    return reshape(g, shapeOf(t));
  }

  /** Broadcasts g (already of a shape broadcastable to t) to t's runtime shape. */
  public String expandLike(String g, String t) {
    if (opset >= 8) {
      String expanded = op("Expand", g, shapeOf(t));
      expansions.put(expanded, new Expansion(g, t));
      return expanded;
    }
    return add(zerosLike(t), g);
  }

  /** Zeros with the runtime shape of t. */
  public String zerosLike(String t) {
    if (opset >= 9) {
      return op("ConstantOfShape", shapeOf(t),
          Attributes.ofTensor("value", TensorProtos.ofFloats("", new long[] {1}, new float[] {0f})));
    }
    return mul(op("Abs", t), scalar(0f));
  }

  /** Sum over the axes (axes as an input or an attribute, as the opset wants). */
  public String reduceSum(String x, long[] axes, boolean keepDims) {
    return reduce("ReduceSum", 13, x, axes, keepDims);
  }

  /** Mean over the axes (axes as an input or an attribute, as the opset wants). */
  public String reduceMean(String x, long[] axes, boolean keepDims) {
    return reduce("ReduceMean", 18, x, axes, keepDims);
  }

  /** Sum of |x| over the axes, in one pass. */
  public String reduceL1(String x, long[] axes, boolean keepDims) {
    return reduce("ReduceL1", 18, x, axes, keepDims);
  }

  private String reduce(String type, int axesInputFrom, String x, long[] axes, boolean keepDims) {
    Onnx.AttributeProto keep = Attributes.ofInt("keepdims", keepDims ? 1 : 0);
    if (opset >= axesInputFrom) {
      return op(type, List.of(x, ints(axes)), keep);
    }
    return op(type, x, Attributes.ofInts("axes", axes), keep);
  }

  /** x with size-1 axes inserted at these positions. */
  public String unsqueeze(String x, long[] axes) {
    if (opset >= 13) {
      return op("Unsqueeze", x, ints(axes));
    }
    return op("Unsqueeze", x, Attributes.ofInts("axes", axes));
  }

  /** x without these size-1 axes. */
  public String squeeze(String x, long[] axes) {
    if (opset >= 13) {
      return op("Squeeze", x, ints(axes));
    }
    return op("Squeeze", x, Attributes.ofInts("axes", axes));
  }

  /** Slice with unit steps. */
  public String slice(String x, long[] starts, long[] ends, long[] axes) {
    if (opset >= 10) {
      return op("Slice", List.of(x, ints(starts), ints(ends), ints(axes)));
    }
    return op("Slice", x, Attributes.ofInts("starts", starts), Attributes.ofInts("ends", ends),
        Attributes.ofInts("axes", axes));
  }

  /** Every steps[i]-th element along axes[i] from starts[i] to the end (opset 10 and later). */
  public String strided(String x, long[] starts, long[] steps, long[] axes) {
    long[] ends = new long[starts.length];
    Arrays.fill(ends, Long.MAX_VALUE);
    return op("Slice", List.of(x, ints(starts), ints(ends), ints(axes), ints(steps)));
  }

  /** Reverses x along one axis (opset 10 and later). */
  public String reverse(String x, long axis) {
    return op("Slice", List.of(x, ints(-1), ints(Long.MIN_VALUE), ints(axis), ints(-1)));
  }

  /** Constant padding; pads in ONNX order (all begins, then all ends). */
  public String pad(String x, long[] pads, float value) {
    if (opset >= 11) {
      return op("Pad", List.of(x, ints(pads), scalar(value)));
    }
    return op("Pad", x, Attributes.ofInts("pads", pads), Attributes.ofFloat("value", value),
        Attributes.ofString("mode", "constant"));
  }

  /** Sum of g over the axes along which it was broadcast to produce a tensor of shape like target. */
  public String unbroadcast(String g, String gradOf, String target) {
    return unbroadcast(g, shapes.dims(gradOf), shapes.followsBatch(gradOf), target);
  }

  /** As above, for a gradient g of the given shape (at batch 1) and batch-following axes. */
  public String unbroadcast(String g, long[] out, boolean[] outBatch, String target) {
    long[] tgt = shapes.dims(target);
    boolean[] tgtBatch = shapes.followsBatch(target);
    int lead = out.length - tgt.length;
    List<Long> axes = new ArrayList<>();
    for (int a = 0; a < out.length; a++) {
      int t = a - lead;
      if (t < 0) {
        axes.add((long) a);
      } else if ((tgt[t] == 1 && out[a] != 1) || (outBatch[a] && !tgtBatch[t])) {
        axes.add((long) a);
      }
    }
    if (axes.isEmpty()) {
      return g;
    }
    String reduced = reduceSum(g, axes.stream().mapToLong(Long::longValue).toArray(), true);
    return lead == 0 ? reduced : reshapeLike(reduced, target);
  }
}
