package dev.lanterne.grad;

import dev.lanterne.LanterneException;
import java.util.Locale;

/**
 * How the backward pass treats activations: the true gradient, the two visualisation variants of
 * ReLU, or a modified backward pass whose product with the input is an attribution (LRP, DeepLift;
 * their rules are in grad/rules, chosen by {@link GradientRules#forOp(String, Variant)}).
 */
public enum Variant {
  /** The true gradient. */
  STANDARD,
  /** Guided backpropagation: only positive gradients, and only where the ReLU input was positive. */
  GUIDED,
  /** Deconvnet: only positive gradients, whatever the ReLU input was. */
  DECONVNET,
  /**
   * LRP-epsilon (Bach et al. 2015) as a modified gradient: linear layers scale dy by z / (z + eps
   * sign z), activations pass relevance unchanged; relevance = input x the result.
   */
  LRP_EPSILON,
  /** LRP z+ at Conv/Gemm/MatMul (positive weights, no bias), LRP-epsilon at the other layers. */
  LRP_ZPLUS,
  /**
   * DeepLift's rescale rule (Shrikumar et al. 2017): element-wise nonlinearities pass dy times
   * (f(x) - f(x')) / (x - x') against the reference forward pass, max pooling as Captum; only in
   * graphs that carry the reference pass ({@link DeepLiftCompiler}).
   */
  DEEPLIFT;

  /**
   * A variant by name: standard (or gradient), guided, deconvnet, lrp-epsilon (or lrp) or lrp-zplus,
   * case-insensitive; null means standard. DEEPLIFT has no name here, as it needs a graph with a reference
   * pass.
   *
   * @throws dev.lanterne.LanterneException (usage) for any other name
   */
  public static Variant parse(String s) {
    if (s == null) {
      return STANDARD;
    }
    return switch (s.toLowerCase(Locale.ROOT)) {
      case "standard", "gradient" -> STANDARD;
      case "guided" -> GUIDED;
      case "deconvnet" -> DECONVNET;
      case "lrp-epsilon", "lrp_epsilon", "lrp" -> LRP_EPSILON;
      case "lrp-zplus", "lrp_zplus" -> LRP_ZPLUS;
      default -> throw LanterneException.usage("unknown backward variant '" + s
          + "'; use standard, guided, deconvnet, lrp-epsilon or lrp-zplus");
    };
  }
}
