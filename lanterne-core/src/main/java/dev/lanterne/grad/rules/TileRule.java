package dev.lanterne.grad.rules;

import dev.lanterne.grad.BackwardContext;
import dev.lanterne.grad.GradientRule;
import dev.lanterne.grad.GraphEmitter;
import dev.lanterne.onnx.proto.Onnx;

/**
 * Tile: dy [r0*d0, r1*d1, ...] viewed as [r0, d0, r1, d1, ...] and summed over the repeat axes.
 * Repeats are a constant input (folded by ShapeFolding when computed).
 */
public final class TileRule implements GradientRule {
  @Override
  public String[] backward(Onnx.NodeProto node, String[] dy, BackwardContext ctx) {
    GraphEmitter e = ctx.emit();
    String x = node.getInput(0);
    long[] in = ctx.shapes().dims(x);
    boolean[] batch = ctx.shapes().followsBatch(x);
    long[] repeats = ctx.constantInts(node.getInput(1), "repeats");
    int rank = in.length;
    long[] split = new long[2 * rank];
    long[] sumAxes = new long[rank];
    for (int a = 0; a < rank; a++) {
      if (batch[a] && repeats[a] != 1) {
        throw ctx.unsupported("repeating the batch axis");
      }
      split[2 * a] = repeats[a];
      split[2 * a + 1] = batch[a] ? -1 : in[a];
      sumAxes[a] = 2L * a;
    }
    String[] dx = new String[node.getInputCount()];
    dx[0] = e.reduceSum(e.reshape(dy[0], e.ints(split)), sumAxes, false);
    return dx;
  }
}
