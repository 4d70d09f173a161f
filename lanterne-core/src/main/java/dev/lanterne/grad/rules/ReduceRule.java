package dev.lanterne.grad.rules;

import dev.lanterne.grad.BackwardContext;
import dev.lanterne.grad.GradientRule;
import dev.lanterne.grad.GraphEmitter;
import dev.lanterne.onnx.Attributes;
import dev.lanterne.onnx.proto.Onnx;
import java.util.Arrays;

/**
 * The reductions: dy (with the reduced axes restored when keepdims=0) broadcast back to the input and
 * multiplied by the derivative of the reduction: 1 (sum), 1/count (mean), x/y (L2), sign(x) (L1),
 * 2x (sum of squares), exp(x - y) (log-sum-exp), and for max and min the indicator of the extremum
 * shared equally among ties. Axes are an attribute before opset 13 (ReduceSum) or 18 (the others),
 * an input after.
 */
public final class ReduceRule implements GradientRule {
  /** Which reduction. */
  public enum Kind { SUM, MEAN, MAX, MIN, L2, L1, SUM_SQUARE, LOG_SUM_EXP }

  private final Kind kind;

  /** The rule of one reduction. */
  public ReduceRule(Kind kind) {
    this.kind = kind;
  }

  @Override
  public String[] backward(Onnx.NodeProto node, String[] dy, BackwardContext ctx) {
    GraphEmitter e = ctx.emit();
    String x = node.getInput(0);
    long[] dims = ctx.shapes().dims(x);
    boolean[] batch = ctx.shapes().followsBatch(x);
    int rank = dims.length;
    long[] axes = ctx.intsAttrOrInput("axes", kind == Kind.SUM ? 13 : 18, 1);
    String[] dx = new String[node.getInputCount()];
    if (axes == null || axes.length == 0) {
      if (Attributes.getInt(node, "noop_with_empty_axes", 0) != 0) {
        dx[0] = dy[0];
        return dx;
      }
      axes = new long[rank];
      for (int i = 0; i < rank; i++) {
        axes[i] = i;
      }
    }
    axes = Arrays.stream(axes).map(a -> BackwardContext.axis(a, rank)).sorted().toArray();
    boolean keep = Attributes.getInt(node, "keepdims", 1) != 0;
    String g = keep ? dy[0] : e.unsqueeze(dy[0], axes);
    String y = keep ? node.getOutput(0) : e.unsqueeze(node.getOutput(0), axes);
    dx[0] = switch (kind) {
      case SUM -> e.expandLike(g, x);
      case MEAN -> {
        long count = 1;
        for (long a : axes) {
          if (batch[(int) a]) {
            throw ctx.unsupported("a mean over the batch axis");
          }
          count *= dims[(int) a];
        }
        yield e.expandLike(e.mul(g, e.scalar(1f / count)), x);
      }
      case MAX, MIN -> extremum(e, x, y, g, axes);
      case L2 -> e.mul(g, e.div(x, y));
      case L1 -> e.mul(g, e.sub(e.positive(e.op("Relu", x)), e.positive(e.op("Relu", e.neg(x)))));
      case SUM_SQUARE -> e.mul(g, e.mul(x, e.scalar(2f)));
      case LOG_SUM_EXP -> e.mul(g, e.op("Exp", e.sub(x, y)));
    };
    return dx;
  }

  /** dy (dims kept) to the positions where x equals its reduced extremum y (dims kept), shared among ties. */
  static String extremum(GraphEmitter e, String x, String y, String g, long[] axes) {
    String hit = e.sub(e.scalar(1f), e.positive(e.op("Abs", e.sub(y, x))));
    String ties = e.reduceSum(hit, axes, true);
    return e.mul(hit, e.div(g, ties));
  }
}
