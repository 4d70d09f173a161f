package dev.lanterne.grad.rules;

import dev.lanterne.grad.BackwardContext;
import dev.lanterne.grad.GradientRule;
import dev.lanterne.grad.GraphEmitter;
import dev.lanterne.grad.ProbedShapes;
import dev.lanterne.onnx.proto.Onnx;
import java.util.List;

/**
 * LRP z+ at Conv, Gemm and MatMul with a constant weight W (Montavon et al. 2017): each input gets the
 * share of the positive contributions, R_i = sum_j (x_i w_ij)+ / z+_j * R_j with
 * z+_j = sum_i (x_i w_ij)+ (no bias). For non-negative inputs (after a ReLU) that is the classic z+
 * rule and Captum's {@code Alpha1_Beta0_Rule} (weights clamped at 0); for signed inputs (the image,
 * linear bottlenecks) the positive part of x_i w_ij is x+ w+ + x- w-, as iNNvestigate's
 * alpha-1-beta-0, so z+ never cancels to 0 and the rule stays conservative. With R = t * g: two
 * forward passes give z+ (x+ with w+, x- with w-), and the layer's input-gradient rule with w+ where
 * x &gt; 0 and w- where x &lt; 0 is applied to {@code dy * z / (z+ + eps)}. Falls back to LRP-epsilon when
 * the weight itself depends on the input.
 */
public final class LrpZPlusRule implements GradientRule {
  private final GradientRule gradient;

  /** @param gradient the layer's gradient rule */
  public LrpZPlusRule(GradientRule gradient) {
    this.gradient = gradient;
  }

  @Override
  public String[] backward(Onnx.NodeProto node, String[] dy, BackwardContext ctx) {
    String op = node.getOpType();
    // the data input x and the weight input (Conv and Gemm: 0 and 1; MatMul either way round)
    int data = op.equals("MatMul") && !ctx.needs(0) ? 1 : 0;
    int weight = 1 - data;
    if (dy[0] == null || !ctx.needs(data) || ctx.needs(weight) || op.equals("Gemm") && data != 0) {
      return new LrpEpsilonRule(gradient).backward(node, dy, ctx);
    }
    GraphEmitter e = ctx.emit();
    ProbedShapes shapes = ctx.shapes();
    String x = node.getInput(data);
    String w = node.getInput(weight);
    String xPos = e.op("Relu", x);
    String xNeg = e.sub(x, xPos);
    String wPos = e.op("Relu", w);
    String wNeg = e.sub(w, wPos);
    for (String t : List.of(xPos, xNeg)) {
      shapes.put(t, shapes.dims(x), shapes.followsBatch(x), shapes.elementType(x));
    }
    for (String t : List.of(wPos, wNeg)) {
      shapes.put(t, shapes.dims(w), shapes.followsBatch(w), shapes.elementType(w));
    }
    Onnx.AttributeProto[] attrs = node.getAttributeList().toArray(new Onnx.AttributeProto[0]);
    String zPlus = e.add(forward(e, op, data, xPos, wPos, attrs), forward(e, op, data, xNeg, wNeg, attrs));
    String[] scaled = dy.clone();
    scaled[0] = e.mul(dy[0], e.div(node.getOutput(0), e.add(zPlus, e.scalar(LrpEpsilonRule.EPSILON))));
    String viaPositive = gradient.backward(withWeight(node, weight, wPos), scaled, ctx)[data];
    String viaNegative = gradient.backward(withWeight(node, weight, wNeg), scaled, ctx)[data];
    String positive = e.positive(xPos);
    String[] dx = new String[node.getInputCount()];
    dx[data] = e.add(e.mul(positive, viaPositive), e.mul(e.sub(e.scalar(1f), positive), viaNegative));
    return dx;
  }

  /** The layer without its bias on data input x and weight w. */
  private static String forward(GraphEmitter e, String op, int data, String x, String w,
      Onnx.AttributeProto[] attrs) {
    if (op.equals("Gemm")) {
      // C is required before opset 11: a zero scalar
      return e.op(op, List.of(x, w, e.scalar(0f)), attrs);
    }
    return e.op(op, data == 0 ? List.of(x, w) : List.of(w, x), attrs);
  }

  /** The node with its weight replaced and its bias dropped (the gradient rules read only these). */
  private static Onnx.NodeProto withWeight(Onnx.NodeProto node, int weight, String w) {
    Onnx.NodeProto.Builder b = node.toBuilder().clearInput();
    for (int i = 0; i < 2; i++) {
      b.addInput(i == weight ? w : node.getInput(i));
    }
    return b.build();
  }
}
