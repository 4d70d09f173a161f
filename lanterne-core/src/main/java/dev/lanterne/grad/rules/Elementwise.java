package dev.lanterne.grad.rules;

import dev.lanterne.grad.BackwardContext;
import dev.lanterne.grad.GradientRule;
import dev.lanterne.grad.GraphEmitter;
import dev.lanterne.onnx.proto.Onnx;

/**
 * The rule of a unary element-wise operator y = f(x), from its derivative: dx = dy * f'(x), where the
 * derivative may be written with x, y and the node's attributes (see {@link ElementwiseRules}).
 */
public final class Elementwise implements GradientRule {
  /** f'(x) as emitted nodes. */
  @FunctionalInterface
  public interface Derivative {
    /**
     * @param e where to emit nodes
     * @param node the forward node (for attributes)
     * @param x its input
     * @param y its output
     * @return the name of a tensor holding f'(x), broadcastable to x
     */
    String of(GraphEmitter e, Onnx.NodeProto node, String x, String y);
  }

  private final Derivative derivative;

  /** The rule dx = dy * derivative. */
  public Elementwise(Derivative derivative) {
    this.derivative = derivative;
  }

  @Override
  public String[] backward(Onnx.NodeProto node, String[] dy, BackwardContext ctx) {
    GraphEmitter e = ctx.emit();
    String[] dx = new String[node.getInputCount()];
    dx[0] = e.mul(dy[0], derivative.of(e, node, node.getInput(0), node.getOutput(0)));
    return dx;
  }
}
