package dev.lanterne.grad.rules;

import dev.lanterne.grad.BackwardContext;
import dev.lanterne.grad.GradientRule;
import dev.lanterne.grad.GraphEmitter;
import dev.lanterne.onnx.Attributes;
import dev.lanterne.onnx.proto.Onnx;

/**
 * Constant-mode Pad: dy cut back to the input (pads are an attribute before opset 11, an input
 * after); negative pads, which crop, are undone by padding dy with zeros.
 */
public final class PadRule implements GradientRule {
  @Override
  public String[] backward(Onnx.NodeProto node, String[] dy, BackwardContext ctx) {
    GraphEmitter e = ctx.emit();
    if (!Attributes.getString(node, "mode", "constant").equals("constant")) {
      throw ctx.unsupported("mode " + Attributes.getString(node, "mode", ""));
    }
    String x = node.getInput(0);
    long[] in = ctx.shapes().dims(x);
    int rank = in.length;
    long[] pads = ctx.opset() >= 11 ? ctx.constantInts(node.getInput(1), "pads") : Attributes.getInts(node, "pads");
    if (ctx.opset() >= 18 && node.getInputCount() > 3 && !node.getInput(3).isEmpty()) {
      throw ctx.unsupported("an axes input");
    }
    long[] uncrop = new long[2 * rank];
    boolean cropped = false;
    java.util.List<long[]> cuts = new java.util.ArrayList<>();
    for (int a = 0; a < rank; a++) {
      if (pads[a] == 0 && pads[a + rank] == 0) {
        continue;
      }
      if (ctx.shapes().followsBatch(x)[a]) {
        throw ctx.unsupported("padding the batch axis");
      }
      uncrop[a] = Math.max(0, -pads[a]);
      uncrop[a + rank] = Math.max(0, -pads[a + rank]);
      cropped |= uncrop[a] != 0 || uncrop[a + rank] != 0;
      long start = Math.max(0, pads[a]);
      cuts.add(new long[] {a, start, start + in[a]});
    }
    String g = cropped ? e.pad(dy[0], uncrop, 0f) : dy[0];
    long[] axes = cuts.stream().mapToLong(c -> c[0]).toArray();
    long[] starts = cuts.stream().mapToLong(c -> c[1]).toArray();
    long[] ends = cuts.stream().mapToLong(c -> c[2]).toArray();
    String[] dx = new String[node.getInputCount()];
    dx[0] = axes.length == 0 ? g : e.slice(g, starts, ends, axes);
    return dx;
  }
}
