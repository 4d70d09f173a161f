package dev.lanterne.grad.rules;

import static dev.lanterne.onnx.Attributes.getFloat;
import static dev.lanterne.onnx.Attributes.getString;

import dev.lanterne.grad.GradientRule;
import dev.lanterne.grad.GraphEmitter;
import dev.lanterne.onnx.proto.Onnx;

/**
 * The unary element-wise operators, one line each: the derivative f'(x) that {@link Elementwise}
 * multiplies dy by. Where the output y gives the derivative more cheaply than x, it is used.
 * At kinks the derivative is PyTorch's (0 for ReLU-like operators at 0, HardSwish as PyTorch).
 */
public final class ElementwiseRules {
  private ElementwiseRules() {}

  /** e^x: y. */
  public static final GradientRule EXP = new Elementwise((e, n, x, y) -> y);
  /** ln x: 1/x. */
  public static final GradientRule LOG = new Elementwise((e, n, x, y) -> e.op("Reciprocal", x));
  /** -x: -1. */
  public static final GradientRule NEG = new Elementwise((e, n, x, y) -> e.scalar(-1f));
  /** |x|: sign(x), 0 at 0. */
  public static final GradientRule ABS = new Elementwise((e, n, x, y) ->
      e.sub(e.positive(e.op("Relu", x)), e.positive(e.op("Relu", e.neg(x)))));
  /** sqrt x: 0.5 / y. */
  public static final GradientRule SQRT = new Elementwise((e, n, x, y) -> e.div(e.scalar(0.5f), y));
  /** 1/x: -y^2. */
  public static final GradientRule RECIPROCAL = new Elementwise((e, n, x, y) -> e.neg(e.mul(y, y)));
  /** tanh x: 1 - y^2. */
  public static final GradientRule TANH = new Elementwise((e, n, x, y) -> e.sub(e.scalar(1f), e.mul(y, y)));
  /** sigmoid x: y (1 - y). */
  public static final GradientRule SIGMOID = new Elementwise((e, n, x, y) -> e.mul(y, e.sub(e.scalar(1f), y)));
  /**
   * erf x: 2/sqrt(pi) exp(-x^2), written exp(ln(2/sqrt(pi)) - x^2): one Sub where the negation and the
   * constant factor took two passes over the tensor (the MLP's hidden layer of every transformer block,
   * where GELU is exported as Erf). The relative difference is a few float rounding errors of x^2.
   */
  public static final GradientRule ERF = new Elementwise((e, n, x, y) ->
      e.op("Exp", e.sub(e.scalar((float) Math.log(2 / Math.sqrt(Math.PI))), e.mul(x, x))));
  /** softplus x = ln(1 + e^x): sigmoid x. */
  public static final GradientRule SOFTPLUS = new Elementwise((e, n, x, y) -> e.op("Sigmoid", x));
  /** LeakyRelu: 1 where x &gt; 0, alpha elsewhere. */
  public static final GradientRule LEAKY_RELU = new Elementwise((e, n, x, y) ->
      slope(e, x, e.scalar(1f), e.scalar(getFloat(n, "alpha", 0.01f))));
  /** Elu: 1 where x &gt; 0, y + alpha elsewhere. */
  public static final GradientRule ELU = new Elementwise((e, n, x, y) ->
      slope(e, x, e.scalar(1f), e.add(y, e.scalar(getFloat(n, "alpha", 1f)))));
  /** Celu y = max(0,x) + min(0, alpha (exp(x/alpha) - 1)): 1 where x &gt; 0, y/alpha + 1 elsewhere. */
  public static final GradientRule CELU = new Elementwise((e, n, x, y) ->
      slope(e, x, e.scalar(1f), e.add(e.mul(y, e.scalar(1f / getFloat(n, "alpha", 1f))), e.scalar(1f))));
  /** Selu: gamma where x &gt; 0, y + alpha gamma elsewhere. */
  public static final GradientRule SELU = new Elementwise((e, n, x, y) -> slope(e, x,
      e.scalar(getFloat(n, "gamma", 1.05070102f)),
      e.add(y, e.scalar(getFloat(n, "alpha", 1.67326319f) * getFloat(n, "gamma", 1.05070102f)))));
  /** HardSigmoid max(0, min(1, alpha x + beta)): alpha strictly inside (0, 1), read from y. */
  public static final GradientRule HARD_SIGMOID = new Elementwise((e, n, x, y) -> hardSigmoid(e, n, y));
  /** HardSwish x relu6(x + 3)/6: x/3 + 0.5 on [-3, 3], 1 above, 0 below (as PyTorch). */
  public static final GradientRule HARD_SWISH = new Elementwise((e, n, x, y) -> e.add(
      e.mul(e.mask(e.op("And", e.op("Not", e.less(x, e.scalar(-3f))), e.op("Not", e.greater(x, e.scalar(3f))))),
          e.add(e.mul(x, e.scalar(1f / 3)), e.scalar(0.5f))), e.mask(e.greater(x, e.scalar(3f)))));
  /** Mish x tanh(softplus x): tanh(sp) + x sigmoid(x) (1 - tanh(sp)^2), with tanh(sp) = y/x recomputed. */
  public static final GradientRule MISH = new Elementwise((e, n, x, y) -> mish(e, x));
  /** Gelu (opset 20): exact, Phi(x) + x phi(x), or the tanh approximation's derivative. */
  public static final GradientRule GELU = new Elementwise((e, n, x, y) ->
      getString(n, "approximate", "none").equals("tanh") ? geluTanh(e, x) : gelu(e, x));

  /** `above` where x &gt; 0, `below` elsewhere. */
  private static String slope(GraphEmitter e, String x, String above, String below) {
    String m = e.mask(e.greater(x, e.scalar(0f)));
    return e.add(e.mul(m, e.sub(above, below)), below);
  }

  private static String mish(GraphEmitter e, String x) {
    String t = e.op("Tanh", e.op("Softplus", x));
    return e.add(t, e.mul(e.mul(x, e.op("Sigmoid", x)), e.sub(e.scalar(1f), e.mul(t, t))));
  }

  private static String gelu(GraphEmitter e, String x) {
    String cdf = e.mul(e.scalar(0.5f), e.add(e.scalar(1f), e.op("Erf", e.mul(x, e.scalar((float) (1 / Math.sqrt(2)))))));
    String pdf = e.mul(e.scalar((float) (1 / Math.sqrt(2 * Math.PI))), e.op("Exp", e.mul(e.mul(x, x), e.scalar(-0.5f))));
    return e.add(cdf, e.mul(x, pdf));
  }

  /** d/dx of 0.5 x (1 + tanh(u)), u = sqrt(2/pi) (x + 0.044715 x^3). */
  private static String geluTanh(GraphEmitter e, String x) {
    float c = (float) Math.sqrt(2 / Math.PI);
    String x2 = e.mul(x, x);
    String t = e.op("Tanh", e.mul(e.scalar(c), e.add(x, e.mul(e.scalar(0.044715f), e.mul(x2, x)))));
    String du = e.mul(e.scalar(c), e.add(e.scalar(1f), e.mul(e.scalar(3 * 0.044715f), x2)));
    String half = e.mul(e.scalar(0.5f), e.add(e.scalar(1f), t));
    return e.add(half, e.mul(e.mul(e.mul(e.scalar(0.5f), x), e.sub(e.scalar(1f), e.mul(t, t))), du));
  }

  /**
   * alpha where 0 &lt; y &lt; 1, else 0: one mask from both comparisons, scaled. (Where(inside, alpha, 0)
   * writes the same values in one node, but in one profile of mobilenet_v3_small at batch 16 ONNX Runtime's
   * Where took 0.9 ms per activation, a Cast 0.1 ms and a product 0.15 ms.)
   */
  private static String hardSigmoid(GraphEmitter e, Onnx.NodeProto n, String y) {
    String inside = e.op("And", e.greater(y, e.scalar(0f)), e.less(y, e.scalar(1f)));
    return e.mul(e.mask(inside), e.scalar(getFloat(n, "alpha", 0.2f)));
  }
}
