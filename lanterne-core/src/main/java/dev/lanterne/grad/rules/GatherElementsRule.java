package dev.lanterne.grad.rules;

import dev.lanterne.grad.BackwardContext;
import dev.lanterne.grad.GradientRule;
import dev.lanterne.grad.GraphEmitter;
import dev.lanterne.onnx.Attributes;
import dev.lanterne.onnx.proto.Onnx;
import java.util.List;

/**
 * GatherElements: dy scattered back to the gathered positions, repeated indices adding up
 * (ScatterElements with reduction add from opset 16; before, only when the indices, constant or as
 * the shape probe saw them, are free of repeats).
 */
public final class GatherElementsRule implements GradientRule {
  @Override
  public String[] backward(Onnx.NodeProto node, String[] dy, BackwardContext ctx) {
    GraphEmitter e = ctx.emit();
    String x = node.getInput(0);
    String indices = node.getInput(1);
    long axis = Attributes.getInt(node, "axis", 0);
    String[] dx = new String[2];
    if (ctx.opset() >= 16) {
      dx[0] = e.op("ScatterElements", List.of(e.zerosLike(x), indices, dy[0]), Attributes.ofInt("axis", axis),
          Attributes.ofString("reduction", "add"));
      return dx;
    }
    // constant indices, or computed ones as the shape probe saw them (their repeats do not depend on the batch)
    Onnx.TensorProto[] probed = ctx.shapes().values(indices);
    long[] idx = ctx.constant(indices) == null && probed != null ? dev.lanterne.onnx.TensorProtos.toLongs(probed[0])
        : ctx.constantInts(indices, "indices");
    long[] shape = ctx.shapes().dims(indices);
    int a = (int) BackwardContext.axis(axis, shape.length);
    long[] inDims = ctx.shapes().dims(x);
    java.util.Set<String> seen = new java.util.HashSet<>();
    long[] pos = new long[shape.length];
    for (int flat = 0; flat < idx.length; flat++) {
      long rem = flat;
      for (int d = shape.length - 1; d >= 0; d--) {
        pos[d] = rem % shape[d];
        rem /= shape[d];
      }
      pos[a] = idx[flat] < 0 ? idx[flat] + inDims[a] : idx[flat];
      if (!seen.add(java.util.Arrays.toString(pos))) {
        throw ctx.unsupported("repeated indices before opset 16");
      }
    }
    dx[0] = e.op("ScatterElements", List.of(e.zerosLike(x), indices, dy[0]), Attributes.ofInt("axis", axis));
    return dx;
  }
}
