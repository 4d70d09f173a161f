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
    long[] starts = new long[rank];
    long[] ends = new long[rank];
    long[] axes = new long[rank];
    for (int a = 0; a < rank; a++) {
      uncrop[a] = Math.max(0, -pads[a]);
      uncrop[a + rank] = Math.max(0, -pads[a + rank]);
      cropped |= uncrop[a] != 0 || uncrop[a + rank] != 0;
      starts[a] = Math.max(0, pads[a]);
      ends[a] = starts[a] + in[a];
      axes[a] = a;
      if (ctx.shapes().followsBatch(x)[a] && (pads[a] != 0 || pads[a + rank] != 0)) {
        throw ctx.unsupported("padding the batch axis");
      }
    }
    String g = cropped ? e.pad(dy[0], uncrop, 0f) : dy[0];
    String[] dx = new String[node.getInputCount()];
    dx[0] = e.slice(g, starts, ends, axes);
    return dx;
  }
}
