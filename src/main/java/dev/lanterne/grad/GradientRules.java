package dev.lanterne.grad;

import dev.lanterne.grad.rules.AbsRule;
import dev.lanterne.grad.rules.AddRule;
import dev.lanterne.grad.rules.AveragePoolRule;
import dev.lanterne.grad.rules.BatchNormalizationRule;
import dev.lanterne.grad.rules.CastRule;
import dev.lanterne.grad.rules.ClipRule;
import dev.lanterne.grad.rules.ConcatRule;
import dev.lanterne.grad.rules.ConvRule;
import dev.lanterne.grad.rules.DivRule;
import dev.lanterne.grad.rules.ErfRule;
import dev.lanterne.grad.rules.ExpRule;
import dev.lanterne.grad.rules.ExpandRule;
import dev.lanterne.grad.rules.GatherRule;
import dev.lanterne.grad.rules.GemmRule;
import dev.lanterne.grad.rules.GlobalAveragePoolRule;
import dev.lanterne.grad.rules.HardSigmoidRule;
import dev.lanterne.grad.rules.HardSwishRule;
import dev.lanterne.grad.rules.IdentityRule;
import dev.lanterne.grad.rules.LeakyReluRule;
import dev.lanterne.grad.rules.LogRule;
import dev.lanterne.grad.rules.LrnRule;
import dev.lanterne.grad.rules.MatMulRule;
import dev.lanterne.grad.rules.MaxMinRule;
import dev.lanterne.grad.rules.MaxPoolRule;
import dev.lanterne.grad.rules.MeanRule;
import dev.lanterne.grad.rules.MulRule;
import dev.lanterne.grad.rules.NegRule;
import dev.lanterne.grad.rules.PadRule;
import dev.lanterne.grad.rules.PowRule;
import dev.lanterne.grad.rules.QuantizeLinearRule;
import dev.lanterne.grad.rules.ReduceRule;
import dev.lanterne.grad.rules.ReluRule;
import dev.lanterne.grad.rules.ReshapeRule;
import dev.lanterne.grad.rules.SigmoidRule;
import dev.lanterne.grad.rules.SliceRule;
import dev.lanterne.grad.rules.SoftmaxRule;
import dev.lanterne.grad.rules.SplitRule;
import dev.lanterne.grad.rules.SqrtRule;
import dev.lanterne.grad.rules.SubRule;
import dev.lanterne.grad.rules.TanhRule;
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

  private static final Map<String, GradientRule> RULES = Map.ofEntries(
      Map.entry("Conv", new ConvRule()),
      Map.entry("Gemm", new GemmRule()),
      Map.entry("MatMul", new MatMulRule()),
      Map.entry("Relu", new ReluRule()),
      Map.entry("LeakyRelu", new LeakyReluRule()),
      Map.entry("Clip", new ClipRule()),
      Map.entry("MaxPool", new MaxPoolRule()),
      Map.entry("AveragePool", new AveragePoolRule()),
      Map.entry("GlobalAveragePool", new GlobalAveragePoolRule()),
      Map.entry("BatchNormalization", new BatchNormalizationRule()),
      Map.entry("Add", new AddRule()),
      Map.entry("Sum", new AddRule()),
      Map.entry("Mean", new MeanRule()),
      Map.entry("Sub", new SubRule()),
      Map.entry("Mul", new MulRule()),
      Map.entry("Div", new DivRule()),
      Map.entry("Pow", new PowRule()),
      Map.entry("Sqrt", new SqrtRule()),
      Map.entry("Erf", new ErfRule()),
      Map.entry("Tanh", new TanhRule()),
      Map.entry("Sigmoid", new SigmoidRule()),
      Map.entry("HardSigmoid", new HardSigmoidRule()),
      Map.entry("HardSwish", new HardSwishRule()),
      Map.entry("Exp", new ExpRule()),
      Map.entry("Log", new LogRule()),
      Map.entry("Neg", new NegRule()),
      Map.entry("Abs", new AbsRule()),
      Map.entry("Max", new MaxMinRule(true)),
      Map.entry("Min", new MaxMinRule(false)),
      Map.entry("Expand", new ExpandRule()),
      Map.entry("Softmax", new SoftmaxRule(false)),
      Map.entry("LogSoftmax", new SoftmaxRule(true)),
      Map.entry("ReduceMean", new ReduceRule(true)),
      Map.entry("ReduceSum", new ReduceRule(false)),
      Map.entry("Transpose", new TransposeRule()),
      Map.entry("Reshape", RESHAPE),
      Map.entry("Flatten", RESHAPE),
      Map.entry("Squeeze", RESHAPE),
      Map.entry("Unsqueeze", RESHAPE),
      Map.entry("Split", new SplitRule()),
      Map.entry("Slice", new SliceRule()),
      Map.entry("Gather", new GatherRule()),
      Map.entry("Pad", new PadRule()),
      Map.entry("Concat", new ConcatRule()),
      Map.entry("Constant", IDENTITY),
      Map.entry("Identity", IDENTITY),
      Map.entry("Dropout", IDENTITY),
      Map.entry("QuantizeLinear", new QuantizeLinearRule()),
      Map.entry("DequantizeLinear", IDENTITY),
      Map.entry("Cast", new CastRule()),
      Map.entry("LRN", new LrnRule()));

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

  public static Set<String> supported() {
    return new TreeSet<>(RULES.keySet());
  }
}
