package dev.lanterne.grad.rules;

import dev.lanterne.grad.BackwardContext;
import dev.lanterne.grad.GradientRule;
import dev.lanterne.grad.GraphEmitter;
import dev.lanterne.grad.ProbedShapes;
import dev.lanterne.onnx.Attributes;
import dev.lanterne.onnx.proto.Onnx;

/**
 * Slice with any steps: dy reversed along axes with negative steps, spread out with step-1 zeros
 * between elements where |step| &gt; 1, then padded with zeros back to the input's extent. Bounds are
 * attributes before opset 10 and constant inputs after (computed ones are folded by ShapeFolding).
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
    // every step-th element from an offset below the step, to the end: an interleaving (Swin's patch merging)
    boolean strided = starts.length > 0;
    long[] sAxes = new long[starts.length];
    long[] sStarts = new long[starts.length];
    long[] sSteps = new long[starts.length];
    long[] sSizes = new long[starts.length];
    long[] now = out.clone(); // shape of g so far at batch 1
    for (int i = 0; i < starts.length; i++) {
      int a = (int) BackwardContext.axis(axes == null ? i : axes[i], rank);
      long step = steps == null ? 1 : steps[i];
      long dim = in[a];
      long m = out[a];
      if (m == 0) {
        throw ctx.unsupported("an empty slice");
      }
      long start = starts[i] < 0 ? starts[i] + dim : starts[i];
      start = step > 0 ? Math.max(0, Math.min(dim, start)) : Math.max(0, Math.min(dim - 1, start));
      if (batch[a] && (m != dim || step != 1)) {
        throw ctx.unsupported("slicing the batch axis");
      }
      if (step < 0) {
        strided = false;
        // the elements taken from start down are those from start - (m-1)|step| up, reversed
        g = e.reverse(g, a);
        start -= (m - 1) * -step;
        step = -step;
      }
      long span = m;
      if (step > 1) {
        g = spread(e, g, a, step, now, s.followsBatch(node.getOutput(0)));
        span = Math.min(m * step, dim - start);
        if (span < m * step) {
          g = e.slice(g, new long[] {0}, new long[] {span}, new long[] {a});
        }
      }
      sAxes[i] = a;
      sStarts[i] = start;
      sSteps[i] = step;
      sSizes[i] = dim;
      strided = strided && step > 1 && start < step && m * step == dim;
      now[a] = span;
      pads[a] = start;
      pads[a + rank] = dim - start - span;
    }
    int padded = -1;
    int axesPadded = 0;
    for (int a = 0; a < rank; a++) {
      if (pads[a] != 0 || pads[a + rank] != 0) {
        padded = a;
        axesPadded++;
      }
    }
    String[] dx = new String[node.getInputCount()];
    if (strided && distinct(sAxes)) {
      dx[0] = e.interleave(axesPadded > 0 ? e.pad(g, pads, 0f) : g, dy[0], sAxes, sStarts, sSteps, sSizes, out,
          s.followsBatch(node.getOutput(0)));
    } else if (axesPadded == 1) {
      dx[0] = e.place(g, pads, padded, in[padded]);
    } else {
      dx[0] = axesPadded > 0 ? e.pad(g, pads, 0f) : g;
    }
    return dx;
  }

  private static boolean distinct(long[] axes) {
    return java.util.Arrays.stream(axes).distinct().count() == axes.length;
  }

  /**
   * Inserts step-1 zeros after each element of g along axis a: unsqueeze a new axis after a, pad it
   * to `step`, merge the two axes.
   */
  private static String spread(GraphEmitter e, String g, int a, long step, long[] dims, boolean[] batch) {
    String u = e.unsqueeze(g, new long[] {a + 1});
    long[] pads = new long[2 * (dims.length + 1)];
    pads[a + 1 + dims.length + 1] = step - 1;
    String padded = e.pad(u, pads, 0f);
    long[] target = new long[dims.length];
    for (int i = 0; i < dims.length; i++) {
      // a batch axis before a keeps its size (0); one after it is the one inferred (-1)
      target[i] = i == a ? dims[a] * step : batch[i] ? (i < a ? 0 : -1) : dims[i];
    }
    return e.reshape(padded, e.ints(target));
  }
}
