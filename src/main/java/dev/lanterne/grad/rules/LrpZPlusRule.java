package dev.lanterne.grad.rules;

import dev.lanterne.grad.BackwardContext;
import dev.lanterne.grad.GradientRule;
import dev.lanterne.grad.GraphEmitter;
import dev.lanterne.grad.ProbedShapes;
import dev.lanterne.onnx.proto.Onnx;
import java.util.List;

/**
 * LRP z+ at Conv, Gemm and MatMul with a constant weight W (Montavon et al. 2017; Captum's
 * {@code Alpha1_Beta0_Rule}): R_i = x_i w+_ij R_j / z+_j with w+ = max(W, 0) and z+ = sum_i x_i w+_ij
 * (no bias). With R = t * g: the layer's input-gradient rule, with W replaced by w+, applied to
 * {@code dy * z / (z+ + eps sign z+)}, where z+ is a forward pass with w+ emitted here. Falls back to
 * LRP-epsilon when the weight itself depends on the input.
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
    String w = node.getInput(weight);
    String wPlus = e.op("Relu", w);
    shapes.put(wPlus, shapes.dims(w), shapes.followsBatch(w), shapes.elementType(w));
    Onnx.NodeProto.Builder plus = node.toBuilder().clearInput();
    for (int i = 0; i < 2; i++) {
      plus.addInput(i == weight ? wPlus : node.getInput(i));
    }
    Onnx.AttributeProto[] attrs = node.getAttributeList().toArray(new Onnx.AttributeProto[0]);
    List<String> inputs = op.equals("Gemm")
        ? List.of(plus.getInput(0), plus.getInput(1), e.scalar(0f)) : plus.getInputList();
    String zPlus = e.op(op, inputs, attrs);
    String z = node.getOutput(0);
    String[] scaled = dy.clone();
    scaled[0] = e.mul(dy[0], e.div(z, LrpEpsilonRule.stabilised(e, zPlus)));
    String[] inner = gradient.backward(plus.build(), scaled, ctx);
    String[] dx = new String[node.getInputCount()];
    dx[data] = inner[data];
    return dx;
  }
}
