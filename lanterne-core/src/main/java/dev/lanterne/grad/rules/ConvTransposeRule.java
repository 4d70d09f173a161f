package dev.lanterne.grad.rules;

import dev.lanterne.grad.BackwardContext;
import dev.lanterne.grad.GradientRule;
import dev.lanterne.grad.ProbedShapes;
import dev.lanterne.onnx.Attributes;
import dev.lanterne.onnx.proto.Onnx;
import java.util.Arrays;
import java.util.List;

/**
 * ConvTranspose: the input gradient is a Conv of dy with the same weights, strides, dilations and
 * groups (the weights [Ci, Co/g, k...] read as a Conv's [M, C/g, k...] map dy's channels back to x's).
 * Output x position i fed y positions s*i + d*k - padBegin, so the Conv pads dy by padBegin in front
 * and, at the end, by whatever makes its output exactly x's size; output padding the windows never
 * reach is cropped instead. The pads come from the probed sizes, so auto_pad and output_shape need
 * no rule of their own, except that SAME with an odd total padding is refused (its split differs
 * between ONNX versions and runtimes).
 */
public final class ConvTransposeRule implements GradientRule {
  @Override
  public String[] backward(Onnx.NodeProto node, String[] dy, BackwardContext ctx) {
    String[] dx = new String[node.getInputCount()];
    if (ctx.needs(1) || ctx.needs(2)) {
      throw ctx.unsupported("weights that depend on the input");
    }
    if (!ctx.needs(0)) {
      return dx;
    }
    ProbedShapes s = ctx.shapes();
    long[] xd = s.dims(node.getInput(0));
    long[] wd = s.dims(node.getInput(1));
    long[] yd = s.dims(node.getOutput(0));
    int r = xd.length - 2;
    long[] kernel = Arrays.copyOfRange(wd, 2, wd.length);
    long[] strides = orOnes(Attributes.getInts(node, "strides"), r);
    long[] dilations = orOnes(Attributes.getInts(node, "dilations"), r);
    long[] pads = Attributes.getInts(node, "pads");
    String autoPad = Attributes.getString(node, "auto_pad", "NOTSET");
    boolean derived = autoPad.startsWith("SAME") || Attributes.getInts(node, "output_shape") != null;
    long[] convPads = new long[2 * r];
    long[] keep = new long[r];
    boolean crop = false;
    long[] outputPadding = Attributes.getInts(node, "output_padding");
    for (int i = 0; i < r; i++) {
      // y[o] is the full transposed output at o + begin; the full output gets values up to reach
      long reach = (xd[2 + i] - 1) * strides[i] + (kernel[i] - 1) * dilations[i] + 1;
      long total = reach + (outputPadding == null ? 0 : outputPadding[i]) - yd[2 + i];
      boolean explicit = !derived && !autoPad.equals("VALID") && pads != null;
      if (total < 0 || !derived && total != (explicit ? pads[i] + pads[i + r] : 0)) {
        throw ctx.unsupported("unexpected output size");
      }
      if (derived && total % 2 != 0) {
        throw ctx.unsupported("auto_pad or output_shape with an odd total padding");
      }
      long begin = derived ? total / 2 : explicit ? pads[i] : 0;
      long end = reach - begin - yd[2 + i];
      convPads[i] = begin;
      convPads[i + r] = Math.max(0, end);
      keep[i] = yd[2 + i] + Math.min(0, end);
      crop |= end < 0;
    }
    String g = dy[0];
    if (crop) {
      long[] axes = new long[r];
      for (int i = 0; i < r; i++) {
        axes[i] = 2 + i;
      }
      g = ctx.emit().slice(g, new long[r], keep, axes);
    }
    dx[0] = ctx.emit().op("Conv", List.of(g, node.getInput(1)), Attributes.ofInts("kernel_shape", kernel),
        Attributes.ofInts("strides", strides), Attributes.ofInts("dilations", dilations),
        Attributes.ofInts("pads", convPads), Attributes.ofInt("group", Attributes.getInt(node, "group", 1)));
    return dx;
  }

  private static long[] orOnes(long[] v, int r) {
    if (v != null && v.length == r) {
      return v;
    }
    long[] ones = new long[r];
    Arrays.fill(ones, 1);
    return ones;
  }
}
