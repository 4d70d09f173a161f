package dev.lanterne.grad;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.lanterne.LanterneException;
import dev.lanterne.onnx.OnnxModels;
import dev.lanterne.onnx.TensorProtos;
import dev.lanterne.onnx.proto.Onnx;
import dev.lanterne.runtime.OrtSessions;
import dev.lanterne.runtime.RuntimeOptions;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * Finds the gradient rule responsible when a compiled gradient disagrees with the model: checks every
 * node on the path from the image to the scores on its own, where the model uses it.
 *
 * <p>The model runs once at the image to get every intermediate tensor. Each node then becomes two
 * one-node models, its inputs on the path as model inputs and everything else it reads (weights, shapes,
 * the other inputs' values at the image) as constants: the node itself, and the node with the backward
 * nodes its rule emits for random output gradients w. For random directions u, the rule's ⟨dx, u⟩ is
 * compared with the central difference of ⟨w, node(x ± hu)⟩, in float64 where ONNX Runtime has the
 * node's kernel in double (then one tiny step), else in float32 with a short ladder of steps (the best
 * one kept, as {@link GradientCheck} does). The node's inputs get a small seeded jitter first: after a
 * ReLU, max pooling sits on ties between exact zeros, where no derivative exists.
 *
 * <p>Each node is checked in isolation, so a disagreement names the node and operator whose rule is
 * wrong, not the first place a wrong gradient shows. QuantizeLinear and DequantizeLinear are not
 * checked: their rules are straight-through by design, not their derivative; nor is a ReLU6 on a
 * quantized activation's grid, whose rule leaves its mask to the quantizer behind it.
 *
 * <p>Measured on the eleven shared models (random-weight ResNet-18, SqueezeNet 1.1, MobileNetV3-Small;
 * ViT, Swin, ConvNeXt at opsets 13 and 17 where compact; MobileNetV1; the QDQ MobileNetV2: 1,837 nodes):
 * correct rules give relative errors below 5e-5; a rule made 1% wrong gives 9.6e-3 to 9.9e-3 at every node
 * of its operator. Hence
 * the tolerances 1e-3 (float64) and 3e-3 (float32). Float64 differences try steps 1e-6, 1e-8 and 1e-10 of
 * the input's RMS and keep the best per direction: a large step is exact on linear nodes whose outputs
 * carry large constants (an attention mask of −100), a small one does not cross the kinks that the
 * jitter (0.1 of the RMS) leaves close. A ViT whose attention Softmax rule is 1% wrong has an input
 * gradient about 0.5% wrong, under the whole-model check's tolerance: this check names it.
 */
public final class OperatorCheck {
  private OperatorCheck() {}

  /**
   * Settings of the check.
   *
   * @param directions random directions per node
   * @param tolerance largest relative error of a node's directional derivatives (float64 differences)
   * @param float32Tolerance the same where ONNX Runtime runs the node in float32 only
   * @param jitter standard deviation of the noise added to each node's inputs, relative to their RMS
   * @param seed seed of the output gradients, directions and jitter
   */
  public record Options(int directions, double tolerance, double float32Tolerance, double jitter, long seed) {
    /** 4 directions, tolerances 1e-3 (float64) and 3e-3 (float32), jitter 0.1, seed 0. */
    public static final Options DEFAULT = new Options(4, 1e-3, 3e-3, 0.1, 0);

    /** Validates the settings. */
    public Options {
      if (directions < 1 || !(tolerance > 0) || !(float32Tolerance > 0) || !(jitter >= 0)) {
        throw new IllegalArgumentException("directions >= 1, tolerances > 0 and jitter >= 0 required");
      }
    }

    /** The same settings with another seed. */
    public Options withSeed(long s) {
      return new Options(directions, tolerance, float32Tolerance, jitter, s);
    }
  }

  /**
   * One node's result.
   *
   * @param node the node's name
   * @param operator its operator
   * @param relativeError relative L2 error of the rule's directional derivatives against finite differences
   * @param precision "float64" or "float32", the precision of the finite differences
   * @param passed whether the error is within the tolerance
   */
  public record NodeResult(String node, String operator, double relativeError, String precision, boolean passed) {}

  /**
   * The check of every node on the path, in topological order.
   *
   * @param nodes the nodes checked
   * @param skipped nodes not checked, by reason: straight-through quantization by design, or a node that
   *     ONNX Runtime cannot run on its own
   * @param options the settings applied
   */
  public record Report(List<NodeResult> nodes, Map<String, Integer> skipped, Options options) {
    /** Copies the lists. */
    public Report {
      nodes = List.copyOf(nodes);
      skipped = Map.copyOf(skipped);
    }

    /** The nodes whose rule disagrees with finite differences, in topological order. */
    public List<NodeResult> failures() {
      return nodes.stream().filter(r -> !r.passed()).toList();
    }

    /** Whether every node passed. */
    public boolean passed() {
      return failures().isEmpty();
    }

    /** The node with the largest error, or null when none was checked. */
    public NodeResult worst() {
      NodeResult w = null;
      for (NodeResult r : nodes) {
        if (w == null || r.relativeError() > w.relativeError()) {
          w = r;
        }
      }
      return w;
    }

    /** A few lines for people: counts, the failing nodes (at most {@code maxListed}), the worst node. */
    public String format(int maxListed) {
      StringBuilder s = new StringBuilder();
      long inDouble = nodes.stream().filter(r -> r.precision().equals("float64")).count();
      List<NodeResult> bad = failures();
      s.append(String.format(Locale.ROOT, "operator rules: %d nodes checked one at a time (%d in float64), %d"
          + " disagree with finite differences of their own node (tolerance %.0e, %.0e in float32)%n", nodes.size(),
          inDouble, bad.size(), options.tolerance(), options.float32Tolerance()));
      if (!bad.isEmpty()) {
        Map<String, int[]> byOp = new TreeMap<>();
        for (NodeResult r : nodes) {
          int[] c = byOp.computeIfAbsent(r.operator(), k -> new int[2]);
          c[1]++;
          c[0] += r.passed() ? 0 : 1;
        }
        StringBuilder ops = new StringBuilder();
        byOp.forEach((op, c) -> {
          if (c[0] > 0) {
            ops.append(ops.length() == 0 ? "" : ", ").append(op).append(" (").append(c[0]).append(" of ")
                .append(c[1]).append(" nodes)");
          }
        });
        s.append("  wrong rule: ").append(ops).append(System.lineSeparator());
        for (NodeResult r : bad.subList(0, Math.min(maxListed, bad.size()))) {
          s.append(String.format(Locale.ROOT, "  FAIL node '%s' (%s): relative error %.2e (%s)%n", r.node(),
              r.operator(), r.relativeError(), r.precision()));
        }
        if (bad.size() > maxListed) {
          s.append("  ... and ").append(bad.size() - maxListed).append(" more").append(System.lineSeparator());
        }
      }
      NodeResult w = worst();
      if (w != null) {
        s.append(String.format(Locale.ROOT, "  largest error: node '%s' (%s) %.2e%n", w.node(), w.operator(),
            w.relativeError()));
      }
      if (!skipped.isEmpty()) {
        s.append("  not checked: ").append(new TreeMap<>(skipped))
            .append(System.lineSeparator());
      }
      return s.toString();
    }
  }

  /** Told after each node: how many are done out of how many. */
  @FunctionalInterface
  public interface Progress {
    /** Called after each node. */
    void done(int checked, int total);
  }

  /**
   * Checks the rules of every node on the path from the image to the scores of a model.
   *
   * @param model the classifier, as for {@link GradientCompiler#prepare}
   * @param image one image, C×H×W values
   */
  public static Report run(Onnx.ModelProto model, float[] image, Options options, Progress progress) {
    GradientCompiler.Prepared p = GradientCompiler.prepare(model);
    return run(p, image, options, p.paths().rules(), progress);
  }

  static Report run(GradientCompiler.Prepared p, float[] image, Options options, Backprop.RuleLookup rules,
      Progress progress) {
    long[] chw = p.chw();
    if (image.length != chw[0] * chw[1] * chw[2]) {
      throw new IllegalArgumentException("image has " + image.length + " values, the model takes "
          + chw[0] * chw[1] * chw[2]);
    }
    Map<String, Onnx.TensorProto> values = forwardValues(p, image);
    values.putAll(p.paths().constants());
    Map<String, Onnx.NodeProto> producers = new HashMap<>();
    List<Onnx.NodeProto> order = p.paths().nodes();
    order.forEach(n -> n.getOutputList().forEach(o -> producers.put(o, n)));
    List<Onnx.NodeProto> todo = new ArrayList<>();
    Map<String, Integer> skipped = new HashMap<>();
    for (Onnx.NodeProto n : order) {
      boolean in = n.getInputList().stream().anyMatch(p.paths()::onPath);
      boolean out = n.getOutputList().stream().anyMatch(p.paths()::onPath);
      if (!in || !out) {
        continue;
      }
      if (n.getOpType().equals("QuantizeLinear") || n.getOpType().equals("DequantizeLinear")) {
        skipped.merge(n.getOpType(), 1, Integer::sum);
      } else if (clipOnItsGrid(n, producers, p.paths().constants())) {
        skipped.merge("Clip on a quantized activation's grid", 1, Integer::sum);
      } else {
        todo.add(n);
      }
    }
    SplittableRandom rnd = new SplittableRandom(options.seed());
    List<NodeResult> results = new ArrayList<>();
    int done = 0;
    for (Onnx.NodeProto n : todo) {
      SplittableRandom nodeRandom = rnd.split();
      try {
        results.add(checkNode(p, n, values, producers, rules, options, nodeRandom));
      } catch (LanterneException e) {
        // a node ONNX Runtime cannot run on its own (an operator needing its neighbours) is reported, not fatal
        skipped.merge(Backprop.qualified(n) + " that ONNX Runtime cannot run on its own", 1, Integer::sum);
      }
      if (progress != null) {
        progress.done(++done, todo.size());
      }
    }
    return new Report(results, skipped, options);
  }

  /**
   * A ReLU6 reading a quantized activation on its own [0, 6] grid: its rule passes dy unmasked and leaves
   * the mask to the QuantizeLinear behind it (see ClipRule), so on its own it is not its derivative.
   */
  private static boolean clipOnItsGrid(Onnx.NodeProto n, Map<String, Onnx.NodeProto> producers,
      Map<String, Onnx.TensorProto> constants) {
    if (!n.getOpType().equals("Clip")) {
      return false;
    }
    QuantGrid grid = QuantGrid.ofQuantizedActivation(n.getInput(0), producers, constants);
    return grid != null && grid.keptBy(n, constants);
  }

  /** Every tensor of the forward graph at the image (batch 1), by name. */
  private static Map<String, Onnx.TensorProto> forwardValues(GradientCompiler.Prepared p, float[] image) {
    Onnx.ModelProto exposed = IntermediateOutputs.exposeAll(p.model());
    OrtSession session = OrtSessions.create(OnnxModels.toBytes(exposed), RuntimeOptions.DEFAULT,
        "the model with its intermediate tensors exposed");
    long[] shape = {1, p.chw()[0], p.chw()[1], p.chw()[2]};
    Map<String, Onnx.TensorProto> values = new HashMap<>();
    try (OnnxTensor x = OnnxTensor.createTensor(OrtSessions.environment(), FloatBuffer.wrap(image), shape);
        OrtSession.Result r = session.run(Map.of(p.input(), x))) {
      values.put(p.input(), TensorProtos.ofFloats(p.input(), shape, image));
      for (Map.Entry<String, OnnxValue> e : r) {
        if (e.getValue() instanceof OnnxTensor t) {
          TensorInfo info = t.getInfo();
          Onnx.TensorProto v = ShapeProbe.value(t, info.getShape(), ShapeProbe.onnxType(info.onnxType),
              Long.MAX_VALUE, true);
          if (v != null) {
            values.put(e.getKey(), v.toBuilder().setName(e.getKey()).build());
          }
        }
      }
    } catch (OrtException e) {
      throw new LanterneException("ONNX Runtime cannot run the model with its intermediate tensors exposed ("
          + OrtSessions.firstLine(e.getMessage()) + ")", e);
    } finally {
      OrtSessions.closeQuietly(session);
    }
    return values;
  }

  private static final String CHECK = GradientCompiler.BACKWARD_PREFIX + "check/";

  private static NodeResult checkNode(GradientCompiler.Prepared p, Onnx.NodeProto n,
      Map<String, Onnx.TensorProto> values, Map<String, Onnx.NodeProto> producers, Backprop.RuleLookup rules,
      Options o, SplittableRandom rnd) {
    Backprop paths = p.paths();
    boolean[] needs = new boolean[n.getInputCount()];
    Set<String> xs = new LinkedHashSet<>();
    for (int k = 0; k < needs.length; k++) {
      needs[k] = paths.onPath(n.getInput(k)) && values.containsKey(n.getInput(k));
      if (needs[k]) {
        xs.add(n.getInput(k));
      }
    }
    List<String> ys = new ArrayList<>();
    String[] dy = new String[n.getOutputCount()];
    for (int j = 0; j < dy.length; j++) {
      String y = n.getOutput(j);
      if (paths.onPath(y) && values.containsKey(y) && isFloat(values.get(y))) {
        ys.add(y);
        dy[j] = CHECK + "seed" + j;
      }
    }
    String name = n.getName().isEmpty() ? n.getOutput(0) : n.getName();
    GradientRule rule = Backprop.isDefaultDomain(n) ? rules.forOp(n.getOpType(), Variant.STANDARD) : null;
    if (rule == null || ys.isEmpty()) {
      return new NodeResult(name, Backprop.qualified(n), Double.POSITIVE_INFINITY, "none", false);
    }

    GraphEmitter e = new GraphEmitter(OnnxModels.opset(p.model()), p.shapes(), GradientCompiler.BACKWARD_PREFIX);
    BackwardContext ctx = new BackwardContext(e, Variant.STANDARD, paths.constants(), null, producers);
    ctx.focus(n, needs);
    String[] dx = rule.backward(n, dy, ctx);
    Onnx.GraphProto.Builder vjp = Onnx.GraphProto.newBuilder().setName("vjp").addNode(n);
    List<String> gradNames = new ArrayList<>();
    List<String> xList = new ArrayList<>(xs);
    for (int i = 0; i < xList.size(); i++) {
      List<String> parts = new ArrayList<>();
      for (int k = 0; k < needs.length; k++) {
        if (needs[k] && n.getInput(k).equals(xList.get(i)) && k < dx.length && dx[k] != null) {
          parts.add(dx[k]);
        }
      }
      String out = CHECK + "grad" + i;
      if (parts.isEmpty()) {
        gradNames.add(null);
        continue;
      }
      e.opNamed("Identity", List.of(parts.size() == 1 ? parts.get(0) : e.sum(parts)), out);
      gradNames.add(out);
    }
    vjp.addAllNode(e.nodes()).addAllInitializer(e.initializers());
    for (String x : xList) {
      vjp.addInput(valueInfo(x, values.get(x), Onnx.TensorProto.DataType.FLOAT_VALUE));
    }
    for (int j = 0; j < dy.length; j++) {
      if (dy[j] != null) {
        vjp.addInput(valueInfo(dy[j], values.get(n.getOutput(j)), Onnx.TensorProto.DataType.FLOAT_VALUE));
      }
    }
    for (String g : gradNames) {
      if (g != null) {
        vjp.addOutput(Onnx.ValueInfoProto.newBuilder().setName(g));
      }
    }
    closeOver(vjp, values);

    Onnx.GraphProto.Builder fwd = Onnx.GraphProto.newBuilder().setName("node").addNode(n);
    xList.forEach(x -> fwd.addInput(valueInfo(x, values.get(x), Onnx.TensorProto.DataType.FLOAT_VALUE)));
    ys.forEach(y -> fwd.addOutput(valueInfo(y, values.get(y), Onnx.TensorProto.DataType.FLOAT_VALUE)));
    closeOver(fwd, values);

    // the point: the node's inputs at the image plus jitter; random output gradients w
    List<float[]> x0 = new ArrayList<>();
    List<Double> rms = new ArrayList<>();
    for (String x : xList) {
      float[] v = TensorProtos.toFloats(values.get(x));
      double r = rms(v);
      double s = o.jitter() * (r > 0 ? r : 1);
      for (int i = 0; i < v.length; i++) {
        v[i] += (float) (s * rnd.nextGaussian());
      }
      if (TIES_MATTER.contains(n.getOpType())) {
        distinct(v);
      }
      x0.add(v);
      rms.add(r > 0 ? r : 1);
    }
    List<float[]> w = new ArrayList<>();
    for (String y : ys) {
      float[] v = new float[TensorProtos.count(values.get(y))];
      for (int i = 0; i < v.length; i++) {
        v[i] = (float) rnd.nextGaussian();
      }
      w.add(v);
    }
    Onnx.ModelProto base = p.model().toBuilder().clearGraph().clearMetadataProps().build();
    List<float[]> grads = runVjp(base.toBuilder().setGraph(vjp).build(), xList, x0, dy, ys, w, gradNames, values);
    List<float[][]> dirs = new ArrayList<>();
    for (int d = 0; d < o.directions(); d++) {
      float[][] u = new float[xList.size()][];
      for (int k = 0; k < u.length; k++) {
        u[k] = new float[x0.get(k).length];
        for (int i = 0; i < u[k].length; i++) {
          u[k][i] = (float) (rms.get(k) * rnd.nextGaussian());
        }
      }
      dirs.add(u);
    }
    Onnx.ModelProto forward = base.toBuilder().setGraph(fwd).build();
    try (Differences fd = Differences.open(forward, xList, values, ys)) {
      // per direction, the step where finite differences agree best: in float32 a large step crosses
      // the kinks of piecewise-linear operators and a small one drowns in rounding, differently along
      // each direction; a wrong rule disagrees at every step
      double[] analytic = new double[dirs.size()];
      double[] numeric = new double[dirs.size()];
      for (int d = 0; d < dirs.size(); d++) {
        double bestGap = Double.POSITIVE_INFINITY;
        for (double h : fd.steps()) {
          // the perturbation as the model receives it (float32 rounds x + hu)
          List<double[]> plus = fd.point(x0, dirs.get(d), h);
          List<double[]> minus = fd.point(x0, dirs.get(d), -h);
          double num = fd.difference(plus, minus, w) / (2 * h);
          double ana = 0;
          for (int k = 0; k < plus.size(); k++) {
            float[] g = grads.get(k);
            if (g != null) {
              double[] pk = plus.get(k);
              double[] mk = minus.get(k);
              for (int i = 0; i < g.length; i++) {
                ana += g[i] * (pk[i] - mk[i]);
              }
            }
          }
          ana /= 2 * h;
          double gap = GradientCheck.relativeError(new double[] {ana}, new double[] {num});
          if (gap < bestGap) {
            bestGap = gap;
            analytic[d] = ana;
            numeric[d] = num;
          }
        }
      }
      // a derivative below float32's resolution (a saturated sigmoid: float32 returns exactly 0 where
      // the true slope is 1e-8) is no disagreement: errors are relative to at least 1e-7 of the bound
      // |<w, J u>| <= |w| |u| for a Jacobian of norm 1
      double floor = 0;
      double wNorm = 0;
      for (float[] wj : w) {
        wNorm += sumOfSquares(wj);
      }
      for (float[][] u : dirs) {
        double uNorm = 0;
        for (float[] uk : u) {
          uNorm += sumOfSquares(uk);
        }
        floor += wNorm * uNorm;
      }
      double error = GradientCheck.relativeError(analytic, numeric, 1e-7 * Math.sqrt(floor));
      double tolerance = fd.doubles ? o.tolerance() : o.float32Tolerance();
      return new NodeResult(name, Backprop.qualified(n), error, fd.precision(), error <= tolerance);
    }
  }

  /** Adds as constants the values of every tensor the graph reads but does not define. */
  private static void closeOver(Onnx.GraphProto.Builder g, Map<String, Onnx.TensorProto> values) {
    Set<String> defined = new HashSet<>();
    g.getInputList().forEach(v -> defined.add(v.getName()));
    g.getInitializerList().forEach(t -> defined.add(t.getName()));
    g.getNodeList().forEach(n -> defined.addAll(n.getOutputList()));
    for (Onnx.NodeProto n : List.copyOf(g.getNodeList())) {
      for (String in : n.getInputList()) {
        if (!in.isEmpty() && defined.add(in)) {
          Onnx.TensorProto v = values.get(in);
          if (v == null) {
            throw new LanterneException("the operator check has no value for tensor '" + in + "'");
          }
          g.addInitializer(v.toBuilder().setName(in));
        }
      }
    }
  }

  private static List<float[]> runVjp(Onnx.ModelProto model, List<String> xs, List<float[]> x0, String[] dy,
      List<String> ys, List<float[]> w, List<String> gradNames, Map<String, Onnx.TensorProto> values) {
    OrtSession s = OrtSessions.create(OnnxModels.toBytes(model), RuntimeOptions.DEFAULT, "a node's gradient rule");
    List<OnnxTensor> feeds = new ArrayList<>();
    try {
      Map<String, OnnxTensor> in = new LinkedHashMap<>();
      for (int k = 0; k < xs.size(); k++) {
        in.put(xs.get(k), floats(x0.get(k), TensorProtos.dims(values.get(xs.get(k))), feeds));
      }
      // dy holds a seed for each output in ys, in the same order; a seed has its output's shape
      int j = 0;
      for (String seed : dy) {
        if (seed != null) {
          in.put(seed, floats(w.get(j), TensorProtos.dims(values.get(ys.get(j))), feeds));
          j++;
        }
      }
      List<float[]> out = new ArrayList<>();
      try (OrtSession.Result r = s.run(in)) {
        for (String g : gradNames) {
          if (g == null) {
            out.add(null);
          } else {
            FloatBuffer b = ((OnnxTensor) r.get(g).orElseThrow()).getFloatBuffer();
            float[] v = new float[b.remaining()];
            b.get(v);
            out.add(v);
          }
        }
      }
      return out;
    } catch (OrtException e) {
      throw new LanterneException("ONNX Runtime cannot run a node's gradient rule (" + OrtSessions.firstLine(
          e.getMessage()) + ")", e);
    } finally {
      feeds.forEach(OnnxTensor::close);
      OrtSessions.closeQuietly(s);
    }
  }

  /** f(x + h u) = Σ_j ⟨w_j, node(x + h u)_j⟩ for the one-node model, in float64 when ONNX Runtime can. */
  private static final class Differences implements AutoCloseable {
    private final OrtSession session;
    private final boolean doubles;
    private final List<String> xs;
    private final List<long[]> shapes = new ArrayList<>();
    private final List<String> ys;

    private Differences(OrtSession session, boolean doubles, List<String> xs, List<String> ys,
        Map<String, Onnx.TensorProto> values) {
      this.session = session;
      this.doubles = doubles;
      this.xs = xs;
      this.ys = ys;
      xs.forEach(x -> shapes.add(TensorProtos.dims(values.get(x))));
    }

    static Differences open(Onnx.ModelProto forward, List<String> xs, Map<String, Onnx.TensorProto> values,
        List<String> ys) {
      byte[] wide = OnnxModels.toBytes(Float64Graph.of(forward));
      // ONNX Runtime has some kernels only in float32; those nodes fall back to float32 differences
      try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
        OrtSession s = OrtSessions.environment().createSession(wide, so);
        return new Differences(s, true, xs, ys, values);
      } catch (OrtException | RuntimeException e) {
        return new Differences(OrtSessions.create(OnnxModels.toBytes(forward), RuntimeOptions.DEFAULT,
            "a node of the model"), false, xs, ys, values);
      }
    }

    String precision() {
      return doubles ? "float64" : "float32";
    }

    /** Steps relative to each input's RMS (the directions carry it). */
    double[] steps() {
      return doubles ? new double[] {1e-6, 1e-8, 1e-10} : new double[] {1e-2, 3e-3, 1e-3, 3e-4};
    }

    /** x + hu as the model receives it: in double, or rounded to float32. */
    List<double[]> point(List<float[]> x0, float[][] u, double h) {
      List<double[]> out = new ArrayList<>();
      for (int k = 0; k < x0.size(); k++) {
        float[] x = x0.get(k);
        double[] v = new double[x.length];
        for (int i = 0; i < v.length; i++) {
          v[i] = doubles ? x[i] + h * u[k][i] : (float) (x[i] + h * u[k][i]);
        }
        out.add(v);
      }
      return out;
    }

    /**
     * Σ_j ⟨w_j, node(plus)_j − node(minus)_j⟩, differenced element by element before summing: a large
     * constant in the outputs (an attention mask of −100) would otherwise drown the difference in the
     * sum's rounding.
     */
    double difference(List<double[]> plus, List<double[]> minus, List<float[]> w) {
      List<double[]> a = outputs(plus);
      List<double[]> b = outputs(minus);
      double f = 0;
      for (int j = 0; j < w.size(); j++) {
        float[] wj = w.get(j);
        for (int i = 0; i < wj.length; i++) {
          f += wj[i] * (a.get(j)[i] - b.get(j)[i]);
        }
      }
      return f;
    }

    private List<double[]> outputs(List<double[]> x) {
      List<OnnxTensor> feeds = new ArrayList<>();
      try {
        Map<String, OnnxTensor> in = new LinkedHashMap<>();
        for (int k = 0; k < xs.size(); k++) {
          double[] v = x.get(k);
          OnnxTensor t;
          if (doubles) {
            t = OnnxTensor.createTensor(OrtSessions.environment(), DoubleBuffer.wrap(v), shapes.get(k));
          } else {
            float[] f = new float[v.length];
            for (int i = 0; i < f.length; i++) {
              f[i] = (float) v[i];
            }
            t = OnnxTensor.createTensor(OrtSessions.environment(), FloatBuffer.wrap(f), shapes.get(k));
          }
          feeds.add(t);
          in.put(xs.get(k), t);
        }
        List<double[]> out = new ArrayList<>();
        try (OrtSession.Result r = session.run(in)) {
          for (String y : ys) {
            OnnxTensor t = (OnnxTensor) r.get(y).orElseThrow();
            double[] v;
            if (doubles) {
              DoubleBuffer b = t.getDoubleBuffer();
              v = new double[b.remaining()];
              b.get(v);
            } else {
              FloatBuffer b = t.getFloatBuffer();
              v = new double[b.remaining()];
              for (int i = 0; i < v.length; i++) {
                v[i] = b.get(i);
              }
            }
            out.add(v);
          }
        }
        return out;
      } catch (OrtException e) {
        throw new LanterneException("ONNX Runtime cannot run a node of the model (" + OrtSessions.firstLine(
            e.getMessage()) + ")", e);
      } finally {
        feeds.forEach(OnnxTensor::close);
      }
    }

    @Override
    public void close() {
      OrtSessions.closeQuietly(session);
    }
  }

  private static OnnxTensor floats(float[] v, long[] shape, List<OnnxTensor> owned) throws OrtException {
    OnnxTensor t = OnnxTensor.createTensor(OrtSessions.environment(), FloatBuffer.wrap(v), shape);
    owned.add(t);
    return t;
  }

  private static boolean isFloat(Onnx.TensorProto t) {
    return t.getDataType() == Onnx.TensorProto.DataType.FLOAT_VALUE;
  }

  private static Onnx.ValueInfoProto valueInfo(String name, Onnx.TensorProto like, int type) {
    Onnx.TensorShapeProto.Builder shape = Onnx.TensorShapeProto.newBuilder();
    for (long d : TensorProtos.dims(like)) {
      shape.addDim(Onnx.TensorShapeProto.Dimension.newBuilder().setDimValue(d));
    }
    return Onnx.ValueInfoProto.newBuilder().setName(name).setType(Onnx.TypeProto.newBuilder()
        .setTensorType(Onnx.TypeProto.Tensor.newBuilder().setElemType(type).setShape(shape))).build();
  }

  private static double rms(float[] v) {
    return v.length == 0 ? 0 : Math.sqrt(sumOfSquares(v) / v.length);
  }


  /** Operators whose derivative does not exist where two inputs are equal (exact float32 ties). */
  private static final Set<String> TIES_MATTER = Set.of("MaxPool", "GlobalMaxPool", "ReduceMax", "ReduceMin", "Max",
      "Min");

  /**
   * Makes the values distinct, each moved by the fewest float32 steps up: jittered zeros still collide
   * about once in 10^5 pooling windows (float32 has 2^24 values per octave), and a max-pool on an exact
   * tie has no derivative.
   */
  static void distinct(float[] v) {
    long[] keys = new long[v.length];
    for (int i = 0; i < v.length; i++) {
      int b = Float.floatToIntBits(v[i]);
      b ^= (b >> 31) & 0x7fffffff; // order-preserving: negative floats reversed
      keys[i] = ((long) b << 32) | i;
    }
    java.util.Arrays.sort(keys);
    float previous = Float.NEGATIVE_INFINITY;
    for (long k : keys) {
      int i = (int) k;
      if (v[i] <= previous) {
        v[i] = Math.nextUp(previous);
      }
      previous = v[i];
    }
  }

  private static double sumOfSquares(float[] v) {
    double s = 0;
    for (float f : v) {
      s += (double) f * f;
    }
    return s;
  }
}
