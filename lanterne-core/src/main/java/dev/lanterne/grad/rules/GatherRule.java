package dev.lanterne.grad.rules;

import dev.lanterne.grad.BackwardContext;
import dev.lanterne.grad.GradientRule;
import dev.lanterne.grad.GraphEmitter;
import dev.lanterne.onnx.Attributes;
import dev.lanterne.onnx.TensorProtos;
import dev.lanterne.onnx.proto.Onnx;

/**
 * Gather of constant indices from the data on the path: a scalar index is undone by re-inserting the
 * axis and padding with zeros; a vector of indices by a product with the one-hot matrix
 * [indices, size], which also adds up repeated indices.
 */
public final class GatherRule implements GradientRule {
  @Override
  public String[] backward(Onnx.NodeProto node, String[] dy, BackwardContext ctx) {
    GraphEmitter e = ctx.emit();
    String x = node.getInput(0);
    long[] in = ctx.shapes().dims(x);
    int rank = in.length;
    int axis = (int) BackwardContext.axis(Attributes.getInt(node, "axis", 0), rank);
    Onnx.TensorProto indices = ctx.constant(node.getInput(1));
    if (indices == null) {
      throw ctx.unsupported("indices computed at run time");
    }
    if (ctx.shapes().followsBatch(x)[axis]) {
      throw ctx.unsupported("gathering along the batch axis");
    }
    long[] idx = TensorProtos.toLongs(indices);
    long size = in[axis];
    String[] dx = new String[node.getInputCount()];
    if (indices.getDimsCount() == 0) {
      long i = idx[0] < 0 ? idx[0] + size : idx[0];
      long[] pads = new long[2 * rank];
      pads[axis] = i;
      pads[axis + rank] = size - 1 - i;
      dx[0] = e.place(e.unsqueeze(dy[0], new long[] {axis}), pads, axis, size);
      return dx;
    }
    if (indices.getDimsCount() != 1) {
      throw ctx.unsupported("indices of rank " + indices.getDimsCount());
    }
    float[] oneHot = new float[(int) (idx.length * size)];
    for (int j = 0; j < idx.length; j++) {
      long i = idx[j] < 0 ? idx[j] + size : idx[j];
      oneHot[(int) (j * size + i)] = 1f;
    }
    String matrix = e.floats(new long[] {idx.length, size}, oneHot);
    long[] toLast = new long[rank];
    long[] back = new long[rank];
    for (int a = 0, k = 0; a < rank; a++) {
      if (a != axis) {
        toLast[k++] = a;
      }
    }
    toLast[rank - 1] = axis;
    for (int a = 0; a < rank; a++) {
      back[(int) toLast[a]] = a;
    }
    String moved = axis == rank - 1 ? dy[0] : e.transpose(dy[0], toLast);
    String scattered = e.op("MatMul", moved, matrix);
    dx[0] = axis == rank - 1 ? scattered : e.transpose(scattered, back);
    return dx;
  }
}
