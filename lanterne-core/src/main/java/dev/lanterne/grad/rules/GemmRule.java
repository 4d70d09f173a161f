package dev.lanterne.grad.rules;

import dev.lanterne.grad.BackwardContext;
import dev.lanterne.grad.GradientRule;
import dev.lanterne.grad.GraphEmitter;
import dev.lanterne.onnx.Attributes;
import dev.lanterne.onnx.proto.Onnx;

/**
 * Gemm Y = alpha op(A) op(B) + beta C: d op(A) = alpha dY op(B)^T, d op(B) = alpha op(A)^T dY,
 * transposed back where transA/transB are set; dC = beta dY unbroadcast.
 */
public final class GemmRule implements GradientRule {
  private static final long[] SWAP = {1, 0};

  @Override
  public String[] backward(Onnx.NodeProto node, String[] dy, BackwardContext ctx) {
    GraphEmitter e = ctx.emit();
    boolean transA = Attributes.getInt(node, "transA", 0) != 0;
    boolean transB = Attributes.getInt(node, "transB", 0) != 0;
    float alpha = Attributes.getFloat(node, "alpha", 1f);
    float beta = Attributes.getFloat(node, "beta", 1f);
    String a = node.getInput(0);
    String b = node.getInput(1);
    String g = alpha == 1f ? dy[0] : e.mul(dy[0], e.scalar(alpha));
    String[] dx = new String[node.getInputCount()];
    if (ctx.needs(0)) {
      // op(B)^T is B when transB, else B^T
      String opA = e.op("MatMul", g, transB ? b : e.transpose(b, SWAP));
      dx[0] = transA ? e.transpose(opA, SWAP) : opA;
    }
    if (ctx.needs(1)) {
      String opB = e.op("MatMul", transA ? a : e.transpose(a, SWAP), g);
      dx[1] = transB ? e.transpose(opB, SWAP) : opB;
    }
    if (ctx.needs(2)) {
      String gc = beta == 1f ? dy[0] : e.mul(dy[0], e.scalar(beta));
      dx[2] = e.unbroadcast(gc, node.getOutput(0), node.getInput(2));
    }
    return dx;
  }
}
