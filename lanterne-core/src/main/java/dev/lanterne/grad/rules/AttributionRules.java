package dev.lanterne.grad.rules;

import dev.lanterne.grad.GradientRule;
import dev.lanterne.grad.Variant;
import java.util.Set;

/**
 * Which rules LRP and DeepLift modify. Both are written as modified gradients whose product with the
 * input (LRP) or with the input minus the baseline (DeepLift) is the attribution (Ancona et al. 2018,
 * "Towards better understanding of gradient-based attribution methods"): every tensor t carries g_t
 * with relevance R_t = t * g_t.
 *
 * <ul>
 *   <li>LRP-epsilon: layers that sum their inputs (Conv, Gemm, MatMul, BatchNormalization, pooling,
 *       Add/Sub/Sum/Mean, ReduceSum/ReduceMean) scale dy by z / (z + eps sign z) first
 *       ({@link LrpEpsilonRule}); element-wise activations pass relevance unchanged
 *       ({@link LrpActivationRule}; at ReLU and LeakyReLU this is the gradient itself); gates
 *       (Sigmoid, HardSigmoid) take none ({@link LrpGateRule}), so products with them pass it all to
 *       the signal; everything else (reshapes, concatenation, products) keeps its gradient rule. As
 *       Captum's LRP with {@code EpsilonRule} at every layer.</li>
 *   <li>LRP z+: Conv, Gemm and MatMul with a constant weight use z+ ({@link LrpZPlusRule}); the rest
 *       as LRP-epsilon.</li>
 *   <li>DeepLift rescale: single-input element-wise nonlinearities use the rescale rule
 *       ({@link DeepLiftRescaleRule}), MaxPool Captum's max-pool rule ({@link DeepLiftMaxPoolRule}),
 *       QuantizeLinear the rescale rule on its dequantized value ({@link DeepLiftQuantizeRule}),
 *       products of two activations the averaged product rule ({@link DeepLiftProductRule});
 *       linear operators keep their gradient (exact for them). Other operators with several
 *       activation inputs (Div, Pow, Softmax inside the graph) keep their gradients, so completeness
 *       is approximate there.</li>
 * </ul>
 */
public final class AttributionRules {
  /** Operators that sum (weighted) inputs: the LRP-epsilon rule applies. */
  static final Set<String> SUMMING = Set.of("Conv", "Gemm", "MatMul", "BatchNormalization", "AveragePool",
      "GlobalAveragePool", "MaxPool", "Add", "Sub", "Sum", "Mean", "ReduceMean", "ReduceSum");
  /** Operators with a weight the z+ rule clamps. */
  static final Set<String> WEIGHTED = Set.of("Conv", "Gemm", "MatMul");
  /** Element-wise activations whose relevance passes unchanged under LRP (ReLU's rule is its gradient). */
  static final Set<String> ACTIVATIONS = Set.of("Clip", "Tanh", "HardSwish");
  /** Gating activations: under LRP no relevance passes to them (they multiply a signal). */
  static final Set<String> GATES = Set.of("Sigmoid", "HardSigmoid");
  /** Single-input element-wise nonlinearities: DeepLift's rescale rule. */
  static final Set<String> RESCALED = Set.of("Relu", "LeakyRelu", "Clip", "Sigmoid", "Tanh", "HardSigmoid",
      "HardSwish", "Erf", "Exp", "Log", "Sqrt", "Abs");

  private AttributionRules() {}

  /** The rule of an operator under a variant: the gradient rule, or its LRP / DeepLift replacement. */
  public static GradientRule wrap(String opType, GradientRule rule, Variant variant) {
    return switch (variant) {
      case LRP_EPSILON -> lrp(opType, rule, false);
      case LRP_ZPLUS -> lrp(opType, rule, true);
      case DEEPLIFT -> RESCALED.contains(opType) ? new DeepLiftRescaleRule(rule)
          : opType.equals("MaxPool") ? new DeepLiftMaxPoolRule(rule)
          : opType.equals("QuantizeLinear") ? new DeepLiftQuantizeRule(rule)
          : opType.equals("Mul") ? new DeepLiftProductRule(rule) : rule;
      default -> rule;
    };
  }

  private static GradientRule lrp(String opType, GradientRule rule, boolean zPlus) {
    if (zPlus && WEIGHTED.contains(opType)) {
      return new LrpZPlusRule(rule);
    }
    if (SUMMING.contains(opType)) {
      return new LrpEpsilonRule(rule);
    }
    if (ACTIVATIONS.contains(opType)) {
      return new LrpActivationRule();
    }
    if (GATES.contains(opType)) {
      return new LrpGateRule();
    }
    return rule;
  }
}
