package dev.lanterne.grad.rules;

import dev.lanterne.grad.BackwardContext;
import dev.lanterne.grad.GradientRule;
import dev.lanterne.grad.GraphEmitter;
import dev.lanterne.grad.ProbedShapes;
import dev.lanterne.onnx.Attributes;
import dev.lanterne.onnx.proto.Onnx;

/**
 * Slice with steps of +1 or -1: dy (reversed along axes with step -1) padded with zeros back to the
 * input's extent. Bounds are attributes before opset 10 and constant inputs after.
 */
public final class SliceRule implements GradientRule {
  @Override
  public String[] backward(Onnx.NodeProto node, String[] dy, BackwardContext ctx) {
    GraphEmitter e = ctx.emit();
    ProbedShapes s = ctx.shapes();
    String x = node.getInput(0);
    long[] in = s.dims(x);
    long[] out = s.dims(node.getOutput(0));
    boolean[] batch = s.followsBatch(x);
    int rank = in.length;
    long[] starts;
    long[] axes;
    long[] steps;
    if (ctx.opset() >= 10) {
      starts = ctx.constantInts(node.getInput(1), "starts");
      axes = node.getInputCount() > 3 && !node.getInput(3).isEmpty()
          ? ctx.constantInts(node.getInput(3), "axes") : null;
      steps = node.getInputCount() > 4 && !node.getInput(4).isEmpty()
          ? ctx.constantInts(node.getInput(4), "steps") : null;
    } else {
      starts = Attributes.getInts(node, "starts");
      axes = Attributes.getInts(node, "axes");
      steps = null;
    }
    long[] pads = new long[2 * rank];
    String g = dy[0];
    for (int i = 0; i < starts.length; i++) {
      int a = (int) BackwardContext.axis(axes == null ? i : axes[i], rank);
      long step = steps == null ? 1 : steps[i];
      long dim = in[a];
      long m = out[a];
      long start = starts[i] < 0 ? starts[i] + dim : starts[i];
      if (step == 1) {
        start = Math.max(0, Math.min(dim, start));
        pads[a] = start;
        pads[a + rank] = dim - start - m;
      } else if (step == -1) {
        start = Math.max(0, Math.min(dim - 1, start));
        g = e.reverse(g, a);
        pads[a] = start - m + 1;
        pads[a + rank] = dim - 1 - start;
      } else {
        throw ctx.unsupported("a step of " + step);
      }
      if (batch[a] && (pads[a] != 0 || m != dim)) {
        throw ctx.unsupported("slicing the batch axis");
      }
    }
    boolean any = false;
    for (long p : pads) {
      any |= p != 0;
    }
    String[] dx = new String[node.getInputCount()];
    dx[0] = any ? e.pad(g, pads, 0f) : g;
    return dx;
  }
}
