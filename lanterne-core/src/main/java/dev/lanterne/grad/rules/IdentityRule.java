package dev.lanterne.grad.rules;

import dev.lanterne.grad.BackwardContext;
import dev.lanterne.grad.GradientRule;
import dev.lanterne.onnx.proto.Onnx;

/** Identity, Dropout (inference), and the DequantizeLinear half of an activation's Q/DQ pair: dy passes unchanged. */
public final class IdentityRule implements GradientRule {
  @Override
  public String[] backward(Onnx.NodeProto node, String[] dy, BackwardContext ctx) {
    return new String[] {dy[0]};
  }
}
