package dev.lanterne.grad.rules;

import dev.lanterne.grad.BackwardContext;
import dev.lanterne.grad.GradientRule;
import dev.lanterne.onnx.Attributes;
import dev.lanterne.onnx.proto.Onnx;

/** Transpose: dy transposed by the inverse permutation (default permutation: reversed axes). */
public final class TransposeRule implements GradientRule {
  @Override
  public String[] backward(Onnx.NodeProto node, String[] dy, BackwardContext ctx) {
    int rank = ctx.shapes().rank(node.getInput(0));
    long[] perm = Attributes.getInts(node, "perm");
    if (perm == null) {
      perm = new long[rank];
      for (int i = 0; i < rank; i++) {
        perm[i] = rank - 1 - i;
      }
    }
    long[] inverse = new long[rank];
    for (int i = 0; i < rank; i++) {
      inverse[(int) perm[i]] = i;
    }
    return new String[] {ctx.emit().transpose(dy[0], inverse)};
  }
}
