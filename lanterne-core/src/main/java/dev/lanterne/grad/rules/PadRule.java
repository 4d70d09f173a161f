package dev.lanterne.grad.rules;

import dev.lanterne.grad.BackwardContext;
import dev.lanterne.grad.GradientRule;
import dev.lanterne.grad.GraphEmitter;
import dev.lanterne.onnx.Attributes;
import dev.lanterne.onnx.proto.Onnx;
import java.util.ArrayList;
import java.util.List;

/**
 * Pad (pads an attribute before opset 11, an input after, with optional axes from opset 18).
 * Constant mode: dy cut back to the input; negative pads, which crop, are undone by padding dy with
 * zeros. Reflect and edge modes pad each axis independently, so the gradient undoes one axis at a
 * time: the middle of dy, plus the padded borders added back to the elements they copied (mirrored
 * for reflect, summed onto the first or last element for edge).
 */
public final class PadRule implements GradientRule {
  @Override
  public String[] backward(Onnx.NodeProto node, String[] dy, BackwardContext ctx) {
    GraphEmitter e = ctx.emit();
    String mode = Attributes.getString(node, "mode", "constant");
    String x = node.getInput(0);
    long[] in = ctx.shapes().dims(x);
    int rank = in.length;
    long[] pads = fullPads(node, ctx, rank);
    String[] dx = new String[node.getInputCount()];
    for (int a = 0; a < rank; a++) {
      if ((pads[a] != 0 || pads[a + rank] != 0) && ctx.shapes().followsBatch(x)[a]) {
        throw ctx.unsupported("padding the batch axis");
      }
    }
    if (mode.equals("constant")) {
      dx[0] = constant(e, dy[0], in, pads);
      return dx;
    }
    if (!mode.equals("reflect") && !mode.equals("edge")) {
      throw ctx.unsupported("mode " + mode);
    }
    String g = dy[0];
    for (int a = 0; a < rank; a++) {
      long before = pads[a];
      long after = pads[a + rank];
      if (before == 0 && after == 0) {
        continue;
      }
      if (before < 0 || after < 0 || (mode.equals("reflect") && (before >= in[a] || after >= in[a]))) {
        throw ctx.unsupported("pads of " + before + " and " + after + " in " + mode + " mode on an axis of " + in[a]);
      }
      g = undoAxis(e, g, a, rank, in[a], before, after, mode.equals("reflect"));
    }
    dx[0] = g;
    return dx;
  }

  /** The pads as 2 x rank values, spreading opset 18's axes input over all axes. */
  private static long[] fullPads(Onnx.NodeProto node, BackwardContext ctx, int rank) {
    long[] pads = ctx.opset() >= 11 ? ctx.constantInts(node.getInput(1), "pads") : Attributes.getInts(node, "pads");
    if (ctx.opset() >= 18 && node.getInputCount() > 3 && !node.getInput(3).isEmpty()) {
      long[] axes = ctx.constantInts(node.getInput(3), "axes");
      long[] full = new long[2 * rank];
      for (int i = 0; i < axes.length; i++) {
        int a = (int) BackwardContext.axis(axes[i], rank);
        full[a] = pads[i];
        full[a + rank] = pads[i + axes.length];
      }
      return full;
    }
    return pads;
  }

  private static String constant(GraphEmitter e, String dy, long[] in, long[] pads) {
    int rank = in.length;
    long[] uncrop = new long[2 * rank];
    boolean cropped = false;
    List<long[]> cuts = new ArrayList<>();
    for (int a = 0; a < rank; a++) {
      if (pads[a] == 0 && pads[a + rank] == 0) {
        continue;
      }
      uncrop[a] = Math.max(0, -pads[a]);
      uncrop[a + rank] = Math.max(0, -pads[a + rank]);
      cropped |= uncrop[a] != 0 || uncrop[a + rank] != 0;
      long start = Math.max(0, pads[a]);
      cuts.add(new long[] {a, start, start + in[a]});
    }
    String g = cropped ? e.pad(dy, uncrop, 0f) : dy;
    long[] axes = cuts.stream().mapToLong(c -> c[0]).toArray();
    long[] starts = cuts.stream().mapToLong(c -> c[1]).toArray();
    long[] ends = cuts.stream().mapToLong(c -> c[2]).toArray();
    return axes.length == 0 ? g : e.slice(g, starts, ends, axes);
  }

  /** Undoes reflect or edge padding of one axis of length n (pads before/after). */
  private static String undoAxis(GraphEmitter e, String g, int a, int rank, long n, long before, long after,
      boolean reflect) {
    long[] axis = {a};
    List<String> parts = new ArrayList<>();
    parts.add(e.slice(g, new long[] {before}, new long[] {before + n}, axis));
    if (before > 0) {
      String border = e.slice(g, new long[] {0}, new long[] {before}, axis);
      // reflect: output j < before copies element before - j, so the reversed border lands on 1..before
      parts.add(reflect ? along(e, reversed(e, border, a, before), a, rank, 1, n - 1 - before)
          : along(e, e.reduceSum(border, axis, true), a, rank, 0, n - 1));
    }
    if (after > 0) {
      String border = e.slice(g, new long[] {before + n}, new long[] {before + n + after}, axis);
      // reflect: output before + n + j copies element n - 2 - j
      parts.add(reflect ? along(e, reversed(e, border, a, after), a, rank, n - 1 - after, 1)
          : along(e, e.reduceSum(border, axis, true), a, rank, n - 1, 0));
    }
    return e.sum(parts);
  }

  /** t zero-padded along axis a. */
  private static String along(GraphEmitter e, String t, int a, int rank, long before, long after) {
    long[] pads = new long[2 * rank];
    pads[a] = before;
    pads[a + rank] = after;
    return e.pad(t, pads, 0f);
  }

  /** t reversed along axis a of length len (a Gather, valid at every opset). */
  private static String reversed(GraphEmitter e, String t, int a, long len) {
    long[] idx = new long[(int) len];
    for (int i = 0; i < len; i++) {
      idx[i] = len - 1 - i;
    }
    return e.op("Gather", t, e.ints(idx), Attributes.ofInt("axis", a));
  }
}
