package dev.lanterne.grad;

import static dev.lanterne.onnx.Attributes.ofInt;
import static dev.lanterne.onnx.Attributes.ofInts;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lanterne.onnx.proto.Onnx;
import org.junit.jupiter.api.Test;

/**
 * The Grad-CAM graph differentiates only from the scores down to its layer. The backward below the layer
 * (towards the image) leads to no output, and ONNX Runtime runs every node of a graph whether or not an
 * output reads it: a Grad-CAM graph that kept it cost as much as a saliency graph.
 */
class GradCamGraphTest {
  @Test
  void gradCamGraphHasNoBackwardBelowItsLayer() {
    TinyModel m = new TinyModel(13, new long[] {2, 6, 6});
    String first = m.node("Relu", m.node("Conv", new String[] {"x", m.random(3, 2, 3, 3)}, ofInts("pads", 1, 1, 1, 1)));
    String layer = m.node("Relu", m.node("Conv", new String[] {first, m.random(4, 3, 3, 3)}, ofInts("pads", 1, 1, 1, 1)));
    String scores = m.node("Gemm", new String[] {m.node("Flatten", m.node("GlobalAveragePool", layer)), m.random(5, 4)},
        ofInt("transB", 1));
    GradientCompiler.Graphs graphs = GradientCompiler.compile(m.build(scores), GradientOptions.DEFAULT);
    assertEquals(layer, graphs.layer());
    // the input gradient goes back through both convolutions; the layer's gradient through neither
    assertEquals(2, backwardConvolutions(graphs.saliency()));
    assertEquals(0, backwardConvolutions(graphs.gradcam()));
  }

  private static long backwardConvolutions(Onnx.ModelProto model) {
    return model.getGraph().getNodeList().stream()
        .filter(n -> n.getName().startsWith(GradientCompiler.BACKWARD_PREFIX))
        .filter(n -> n.getOpType().equals("Conv") || n.getOpType().equals("ConvTranspose"))
        .count();
  }
}
