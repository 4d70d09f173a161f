package dev.lanterne.grad.rules;

import dev.lanterne.grad.BackwardContext;
import dev.lanterne.grad.GradientRule;
import dev.lanterne.grad.GraphEmitter;
import dev.lanterne.grad.ProbedShapes;
import dev.lanterne.onnx.proto.Onnx;

/**
 * MatMul of operands of rank 2 or more, batch axes broadcast: dA = dY B^T and dB = A^T dY (transposing
 * the last two axes), each summed over the batch axes it was broadcast along.
 */
public final class MatMulRule implements GradientRule {
  @Override
  public String[] backward(Onnx.NodeProto node, String[] dy, BackwardContext ctx) {
    GraphEmitter e = ctx.emit();
    ProbedShapes s = ctx.shapes();
    String a = node.getInput(0);
    String b = node.getInput(1);
    String y = node.getOutput(0);
    if (s.rank(a) < 2 || s.rank(b) < 2) {
      throw ctx.unsupported("a one-dimensional operand");
    }
    String[] dx = new String[2];
    if (ctx.needs(0)) {
      dx[0] = unbroadcast(e, e.op("MatMul", dy[0], swapLast(e, b, s.rank(b))), y, a, s);
    }
    if (ctx.needs(1)) {
      dx[1] = unbroadcast(e, e.op("MatMul", swapLast(e, a, s.rank(a)), dy[0]), y, b, s);
    }
    return dx;
  }

  private static String swapLast(GraphEmitter e, String t, int rank) {
    long[] perm = new long[rank];
    for (int i = 0; i < rank; i++) {
      perm[i] = i;
    }
    perm[rank - 2] = rank - 1;
    perm[rank - 1] = rank - 2;
    return e.transpose(t, perm);
  }

  /** g has Y's batch axes and the operand's matrix axes; sum away the broadcast batch axes. */
  private static String unbroadcast(GraphEmitter e, String g, String y, String operand, ProbedShapes s) {
    long[] yd = s.dims(y);
    long[] od = s.dims(operand);
    long[] gd = yd.clone();
    gd[gd.length - 2] = od[od.length - 2];
    gd[gd.length - 1] = od[od.length - 1];
    return e.unbroadcast(g, gd, s.followsBatch(y), operand);
  }
}
