package dev.lanterne.grad;

import static dev.lanterne.onnx.Attributes.ofInt;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanterne.onnx.TensorProtos;
import dev.lanterne.onnx.proto.Onnx;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The shape arithmetic of a graph becomes constants, or a function of the batch size, before differentiation. */
class ShapeFoldingTest {
  @Test
  void foldsBatchFreeValuesAndRewritesBatchFollowingOnes() {
    TinyModel m = new TinyModel(13, new long[] {4, 3, 3});
    String shape = m.node("Shape", "x");
    String half = m.node("Div", in(m.node("Gather", in(shape, scalar(m, 1))), scalar(m, 2)));
    String sliced = m.node("Slice", in("x", m.node("Unsqueeze", in(half, m.ints(0))), m.ints(100), m.ints(1)));
    String n = m.node("Unsqueeze", in(m.node("Gather", in(shape, scalar(m, 0))), m.ints(0)));
    String target = m.node("Concat", in(n, m.ints(-1)), ofInt("axis", 0));
    Onnx.ModelProto model = m.build(m.node("Reshape", in(sliced, target)));
    GradientCompiler.Prepared p = GradientCompiler.prepare(model);
    Onnx.GraphProto g = p.model().getGraph();
    Onnx.NodeProto slice = g.getNodeList().stream().filter(x -> x.getOpType().equals("Slice")).findFirst().orElseThrow();
    Onnx.TensorProto start = g.getInitializerList().stream().filter(t -> t.getName().equals(slice.getInput(1)))
        .findFirst().orElseThrow(() -> new AssertionError("Slice start not folded: " + slice.getInput(1)));
    assertEquals("[2]", Arrays.toString(TensorProtos.toLongs(start)));
    assertFalse(g.getNodeList().stream().anyMatch(x -> x.getOpType().equals("Div")), "dead shape arithmetic kept");
    Onnx.NodeProto reshape = g.getNodeList().stream().filter(x -> x.getOpType().equals("Reshape")).findFirst().orElseThrow();
    assertTrue(reshape.getInput(1).startsWith("lanterne/folded/"), "batch-following shape rewritten: " + reshape.getInput(1));
    assertEquals(2, p.shapes().dims(p.output()).length);
  }

  private static String[] in(String... names) {
    return names;
  }

  private static String scalar(TinyModel m, long v) {
    return m.node("Constant", new String[0], dev.lanterne.onnx.Attributes.ofTensor("value",
        TensorProtos.ofLongs("", new long[0], new long[] {v})));
  }
}
