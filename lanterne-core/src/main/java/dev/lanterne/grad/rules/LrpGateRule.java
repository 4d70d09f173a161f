package dev.lanterne.grad.rules;

import dev.lanterne.grad.BackwardContext;
import dev.lanterne.grad.GradientRule;
import dev.lanterne.onnx.proto.Onnx;

/**
 * LRP at a gating activation (Sigmoid, HardSigmoid): no relevance passes to the gate. Such outputs
 * multiply a signal (squeeze-and-excitation blocks, HardSwish written as x * HardSigmoid(x)); with the
 * gate taking none, the product's gradient rule gives the signal all of the relevance (the rule of
 * Arras et al. 2017 for multiplicative gates), and conservation holds through the product.
 */
public final class LrpGateRule implements GradientRule {
  @Override
  public String[] backward(Onnx.NodeProto node, String[] dy, BackwardContext ctx) {
    return new String[node.getInputCount()];
  }
}
