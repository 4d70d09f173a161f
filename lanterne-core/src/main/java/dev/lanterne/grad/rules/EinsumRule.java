package dev.lanterne.grad.rules;

import dev.lanterne.grad.BackwardContext;
import dev.lanterne.grad.GradientRule;
import dev.lanterne.grad.GraphEmitter;
import dev.lanterne.grad.ProbedShapes;
import dev.lanterne.onnx.Attributes;
import dev.lanterne.onnx.proto.Onnx;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Einsum (opset 12 and later) of any number of operands: the gradient of operand i is the Einsum of dy
 * with the other operands, equation "out,others-&gt;labels of i". Labels of operand i that appear
 * nowhere else were summed away by the forward; their gradient is constant along them, so the result is
 * unsqueezed and expanded back. An ellipsis is written out as explicit labels (the ranks are known).
 * Diagonals (a label repeated within one operand) and operands broadcast against each other are refused.
 */
public final class EinsumRule implements GradientRule {
  private static final String LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

  @Override
  public String[] backward(Onnx.NodeProto node, String[] dy, BackwardContext ctx) {
    ProbedShapes s = ctx.shapes();
    int n = node.getInputCount();
    String[] terms = new String[n];
    String out = labels(node, s, terms, ctx);
    String[] dx = new String[n];
    GraphEmitter e = ctx.emit();
    for (int i = 0; i < n; i++) {
      if (!ctx.needs(i)) {
        continue;
      }
      StringBuilder elsewhere = new StringBuilder(out);
      List<String> inputs = new ArrayList<>();
      inputs.add(dy[0]);
      StringBuilder equation = new StringBuilder(out);
      for (int j = 0; j < n; j++) {
        if (j != i) {
          equation.append(',').append(terms[j]);
          elsewhere.append(terms[j]);
          inputs.add(node.getInput(j));
        }
      }
      StringBuilder kept = new StringBuilder();
      List<Long> summed = new ArrayList<>();
      for (int k = 0; k < terms[i].length(); k++) {
        char c = terms[i].charAt(k);
        if (elsewhere.indexOf(String.valueOf(c)) >= 0) {
          kept.append(c);
        } else {
          summed.add((long) k);
        }
      }
      equation.append("->").append(kept);
      String g = e.op("Einsum", inputs, Attributes.ofString("equation", equation.toString()));
      if (!summed.isEmpty()) {
        g = e.expandLike(e.unsqueeze(g, summed.stream().mapToLong(Long::longValue).toArray()), node.getInput(i));
      }
      dx[i] = g;
    }
    return dx;
  }

  /**
   * Fills terms with each operand's labels (ellipses written out) and returns the output's labels
   * (implicit output: the ellipsis labels, then the labels used once, sorted).
   */
  private static String labels(Onnx.NodeProto node, ProbedShapes s, String[] terms, BackwardContext ctx) {
    String equation = Attributes.getString(node, "equation", "").replace(" ", "");
    int arrow = equation.indexOf("->");
    String[] in = (arrow < 0 ? equation : equation.substring(0, arrow)).split(",", -1);
    if (in.length != terms.length) {
      throw ctx.unsupported("equation '" + equation + "' does not name every operand");
    }
    int ellipsisRank = 0;
    for (int i = 0; i < in.length; i++) {
      if (in[i].contains("...")) {
        ellipsisRank = Math.max(ellipsisRank, s.rank(node.getInput(i)) - (in[i].length() - 3));
      }
    }
    StringBuilder spare = new StringBuilder();
    for (char c : LETTERS.toCharArray()) {
      if (equation.indexOf(c) < 0 && spare.length() < ellipsisRank) {
        spare.append(c);
      }
    }
    if (spare.length() < ellipsisRank) {
      throw ctx.unsupported("too many labels");
    }
    String ellipsis = spare.toString();
    Map<Character, long[]> sizes = new HashMap<>();
    Map<Character, Integer> uses = new HashMap<>();
    for (int i = 0; i < in.length; i++) {
      String input = node.getInput(i);
      int explicit = in[i].replace("...", "").length();
      String t = in[i].replace("...", ellipsis.substring(ellipsisRank - Math.max(0, s.rank(input) - explicit)));
      if (t.length() != s.rank(input) || t.indexOf('.') >= 0) {
        throw ctx.unsupported("equation '" + equation + "' does not match operand ranks");
      }
      long[] dims = s.dims(input);
      boolean[] batch = s.followsBatch(input);
      for (int k = 0; k < t.length(); k++) {
        char c = t.charAt(k);
        if (t.indexOf(c) != k) {
          throw ctx.unsupported("label '" + c + "' repeated within one operand (a diagonal)");
        }
        long[] size = {dims[k], batch[k] ? 1 : 0};
        long[] known = sizes.putIfAbsent(c, size);
        if (known != null && !Arrays.equals(known, size)) {
          throw ctx.unsupported("operands broadcast along label '" + c + "'");
        }
        uses.merge(c, 1, Integer::sum);
      }
      terms[i] = t;
    }
    if (arrow >= 0) {
      return equation.substring(arrow + 2).replace("...", ellipsis);
    }
    StringBuilder out = new StringBuilder(ellipsis);
    for (char c : new TreeSet<>(uses.keySet())) {
      if (uses.get(c) == 1 && ellipsis.indexOf(c) < 0) {
        out.append(c);
      }
    }
    return out.toString();
  }
}
