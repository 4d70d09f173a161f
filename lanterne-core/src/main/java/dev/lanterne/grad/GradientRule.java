package dev.lanterne.grad;

import dev.lanterne.onnx.proto.Onnx;

/** The backward pass of one ONNX operator, emitted as ONNX nodes. */
@FunctionalInterface
public interface GradientRule {
  /**
   * @param node the forward node
   * @param dy the gradient of each of the node's outputs, null where none flows
   * @param ctx where to emit nodes, and what is known about the graph
   * @return the gradient of each of the node's inputs (an array as long as the node's inputs), null
   *     where the input needs none ({@link BackwardContext#needs(int)} says which are wanted)
   */
  String[] backward(Onnx.NodeProto node, String[] dy, BackwardContext ctx);
}
