package dev.lanterne.grad;

import dev.lanterne.grad.rules.AddRule;
import dev.lanterne.grad.rules.AveragePoolRule;
import dev.lanterne.grad.rules.BatchNormalizationRule;
import dev.lanterne.grad.rules.CastRule;
import dev.lanterne.grad.rules.ClipRule;
import dev.lanterne.grad.rules.CumSumRule;
import dev.lanterne.grad.rules.ElementwiseRules;
import dev.lanterne.grad.rules.GatherElementsRule;
import dev.lanterne.grad.rules.GlobalMaxPoolRule;
import dev.lanterne.grad.rules.InstanceNormalizationRule;
import dev.lanterne.grad.rules.PReluRule;
import dev.lanterne.grad.rules.ResizeRule;
import dev.lanterne.grad.rules.ScatterNDRule;
import dev.lanterne.grad.rules.TileRule;
import dev.lanterne.grad.rules.WhereRule;
import dev.lanterne.grad.rules.ConcatRule;
import dev.lanterne.grad.rules.ConvRule;
import dev.lanterne.grad.rules.ConvTransposeRule;
import dev.lanterne.grad.rules.EinsumRule;
import dev.lanterne.grad.rules.DivRule;
import dev.lanterne.grad.rules.ExpandRule;
import dev.lanterne.grad.rules.GatherRule;
import dev.lanterne.grad.rules.GemmRule;
import dev.lanterne.grad.rules.GlobalAveragePoolRule;
import dev.lanterne.grad.rules.IdentityRule;
import dev.lanterne.grad.rules.LayerNormalizationRule;
import dev.lanterne.grad.rules.LrnRule;
import dev.lanterne.grad.rules.MatMulRule;
import dev.lanterne.grad.rules.MaxMinRule;
import dev.lanterne.grad.rules.MaxPoolRule;
import dev.lanterne.grad.rules.MeanRule;
import dev.lanterne.grad.rules.MulRule;
import dev.lanterne.grad.rules.PadRule;
import dev.lanterne.grad.rules.PowRule;
import dev.lanterne.grad.rules.QuantizeLinearRule;
import dev.lanterne.grad.rules.ReduceRule;
import dev.lanterne.grad.rules.ReluRule;
import dev.lanterne.grad.rules.ReshapeRule;
import dev.lanterne.grad.rules.SliceRule;
import dev.lanterne.grad.rules.SoftmaxRule;
import dev.lanterne.grad.rules.SplitRule;
import dev.lanterne.grad.rules.SubRule;
import dev.lanterne.grad.rules.TransposeRule;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** The gradient rule of each supported operator (default ONNX domain), by op_type. */
public final class GradientRules {
  private GradientRules() {}

  /** Operators whose outputs carry no gradient (integer results, shape computations, steps). */
  static final Set<String> NO_GRADIENT = Set.of("Shape", "Size", "Equal", "Greater", "Less", "GreaterOrEqual",
      "LessOrEqual", "Not", "And", "Or", "Xor", "ArgMax", "ArgMin", "NonZero", "Floor", "Ceil", "Round", "Sign",
      "ConstantOfShape", "Range", "IsNaN", "IsInf", "RandomNormalLike", "RandomUniformLike", "EyeLike", "TopK");

  private static final GradientRule IDENTITY = new IdentityRule();
  private static final GradientRule RESHAPE = new ReshapeRule();

  private static final GradientRule RESIZE = new ResizeRule();

  private static final Map<String, GradientRule> RULES = Map.ofEntries(
      Map.entry("Conv", new ConvRule()),
      Map.entry("ConvTranspose", new ConvTransposeRule()),
      Map.entry("Gemm", new GemmRule()),
      Map.entry("MatMul", new MatMulRule()),
      Map.entry("Einsum", new EinsumRule()),
      Map.entry("Relu", new ReluRule()),
      Map.entry("PRelu", new PReluRule()),
      Map.entry("Clip", new ClipRule()),
      Map.entry("MaxPool", new MaxPoolRule()),
      Map.entry("AveragePool", new AveragePoolRule()),
      Map.entry("GlobalAveragePool", new GlobalAveragePoolRule()),
      Map.entry("GlobalMaxPool", new GlobalMaxPoolRule()),
      Map.entry("BatchNormalization", new BatchNormalizationRule()),
      Map.entry("LayerNormalization", new LayerNormalizationRule()),
      Map.entry("InstanceNormalization", new InstanceNormalizationRule()),
      Map.entry("LRN", new LrnRule()),
      Map.entry("Add", new AddRule()),
      Map.entry("Sum", new AddRule()),
      Map.entry("Mean", new MeanRule()),
      Map.entry("Sub", new SubRule()),
      Map.entry("Mul", new MulRule()),
      Map.entry("Div", new DivRule()),
      Map.entry("Pow", new PowRule()),
      Map.entry("Max", new MaxMinRule(true)),
      Map.entry("Min", new MaxMinRule(false)),
      Map.entry("Where", new WhereRule()),
      Map.entry("Exp", ElementwiseRules.EXP),
      Map.entry("Log", ElementwiseRules.LOG),
      Map.entry("Neg", ElementwiseRules.NEG),
      Map.entry("Abs", ElementwiseRules.ABS),
      Map.entry("Sqrt", ElementwiseRules.SQRT),
      Map.entry("Reciprocal", ElementwiseRules.RECIPROCAL),
      Map.entry("Tanh", ElementwiseRules.TANH),
      Map.entry("Sigmoid", ElementwiseRules.SIGMOID),
      Map.entry("Erf", ElementwiseRules.ERF),
      Map.entry("Gelu", ElementwiseRules.GELU),
      Map.entry("Softplus", ElementwiseRules.SOFTPLUS),
      Map.entry("Mish", ElementwiseRules.MISH),
      Map.entry("LeakyRelu", ElementwiseRules.LEAKY_RELU),
      Map.entry("Elu", ElementwiseRules.ELU),
      Map.entry("Selu", ElementwiseRules.SELU),
      Map.entry("Celu", ElementwiseRules.CELU),
      Map.entry("HardSigmoid", ElementwiseRules.HARD_SIGMOID),
      Map.entry("HardSwish", ElementwiseRules.HARD_SWISH),
      Map.entry("Softmax", new SoftmaxRule(false)),
      Map.entry("LogSoftmax", new SoftmaxRule(true)),
      Map.entry("ReduceMean", new ReduceRule(ReduceRule.Kind.MEAN)),
      Map.entry("ReduceSum", new ReduceRule(ReduceRule.Kind.SUM)),
      Map.entry("ReduceMax", new ReduceRule(ReduceRule.Kind.MAX)),
      Map.entry("ReduceMin", new ReduceRule(ReduceRule.Kind.MIN)),
      Map.entry("ReduceL2", new ReduceRule(ReduceRule.Kind.L2)),
      Map.entry("ReduceL1", new ReduceRule(ReduceRule.Kind.L1)),
      Map.entry("ReduceSumSquare", new ReduceRule(ReduceRule.Kind.SUM_SQUARE)),
      Map.entry("ReduceLogSumExp", new ReduceRule(ReduceRule.Kind.LOG_SUM_EXP)),
      Map.entry("CumSum", new CumSumRule()),
      Map.entry("Transpose", new TransposeRule()),
      Map.entry("Reshape", RESHAPE),
      Map.entry("Flatten", RESHAPE),
      Map.entry("Squeeze", RESHAPE),
      Map.entry("Unsqueeze", RESHAPE),
      Map.entry("Expand", new ExpandRule()),
      Map.entry("Tile", new TileRule()),
      Map.entry("Split", new SplitRule()),
      Map.entry("Slice", new SliceRule()),
      Map.entry("Gather", new GatherRule()),
      Map.entry("GatherElements", new GatherElementsRule()),
      Map.entry("ScatterND", new ScatterNDRule()),
      Map.entry("Pad", new PadRule()),
      Map.entry("Concat", new ConcatRule()),
      Map.entry("Resize", RESIZE),
      Map.entry("Upsample", RESIZE),
      Map.entry("Constant", IDENTITY),
      Map.entry("Identity", IDENTITY),
      Map.entry("Dropout", IDENTITY),
      Map.entry("QuantizeLinear", new QuantizeLinearRule()),
      Map.entry("DequantizeLinear", IDENTITY),
      Map.entry("Cast", new CastRule()));

  /** The rule for an operator, or null. */
  public static GradientRule forOp(String opType) {
    return RULES.get(opType);
  }

  /**
   * The rule for an operator under a backward variant: the gradient rule, or for LRP and DeepLift
   * the modified rule that wraps it (see {@link dev.lanterne.grad.rules.AttributionRules}); null when
   * the operator has none.
   */
  public static GradientRule forOp(String opType, Variant variant) {
    GradientRule rule = forOp(opType);
    return rule == null ? null : dev.lanterne.grad.rules.AttributionRules.wrap(opType, rule, variant);
  }

  /** The operators (default domain) that have a gradient rule, sorted. */
  public static Set<String> supported() {
    return new TreeSet<>(RULES.keySet());
  }

  /** The operators whose outputs carry no gradient (comparisons, shapes, integer results), sorted. */
  public static Set<String> withoutGradient() {
    return new TreeSet<>(NO_GRADIENT);
  }

  /**
   * The operator coverage as the README lists it (between its "operators" markers): one line of the
   * operators with a rule, one of those that pass no gradient.
   */
  public static String coverageMarkdown() {
    return "Operators with a gradient rule (" + RULES.size() + "): " + String.join(", ", supported()) + ".\n\n"
        + "Operators that pass no gradient (they compute shapes, comparisons or integers): "
        + String.join(", ", withoutGradient()) + ".\n";
  }
}
