package dev.lanterne.grad;

import static dev.lanterne.onnx.Attributes.ofFloat;
import static dev.lanterne.onnx.Attributes.ofInts;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanterne.onnx.proto.Onnx;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The channels-last normalisation rewrite (see {@link ChannelLastNorms}); its gradients are checked against finite
 * differences by {@link RuleGradientTest}'s LayerNorm2d cases, and on ConvNeXt against PyTorch by
 * {@link ZooReferenceTest}.
 */
class ChannelLastNormsTest {
  private static final long[] CHW = {4, 3, 3};

  /**
   * x permuted to NHWC, layer-normalised over its channels (as PyTorch exports LayerNorm at opset 13, or as one
   * LayerNormalization), permuted back, then multiplied by a constant so that every position counts differently.
   * The scale goes through an Identity, as PyTorch exports a weight it shares.
   */
  static String layerNorm2d(TinyModel m, boolean operator) {
    String nhwc = m.node("Transpose", "x", ofInts("perm", 0, 2, 3, 1));
    String scale = m.node("Identity", m.random(4));
    String normed;
    if (operator) {
      normed = m.node("LayerNormalization", RuleGradientTest.in(nhwc, scale, m.random(4)), ofFloat("epsilon", 1e-3f));
    } else {
      String centred = m.node("Sub", RuleGradientTest.in(nhwc, m.node("ReduceMean", nhwc, ofInts("axes", -1))));
      String variance = m.node("ReduceMean", m.node("Pow", RuleGradientTest.in(centred, m.scalar(2f))),
          ofInts("axes", -1));
      String std = m.node("Sqrt", m.node("Add", RuleGradientTest.in(variance, m.scalar(1e-3f))));
      String affine = m.node("Mul", RuleGradientTest.in(m.node("Div", RuleGradientTest.in(centred, std)), scale));
      normed = m.node("Add", RuleGradientTest.in(affine, m.random(4)));
    }
    String back = m.node("Transpose", normed, ofInts("perm", 0, 3, 1, 2));
    return m.node("Mul", RuleGradientTest.in(back, m.random(4, 3, 3)));
  }

  private static long count(Onnx.GraphProto g, String op) {
    return g.getNodeList().stream().filter(n -> n.getOpType().equals(op)).count();
  }

  @ParameterizedTest(name = "LayerNormalization operator: {0}")
  @ValueSource(booleans = {false, true})
  void theNormalisationIsDifferentiatedWithoutPermutes(boolean operator) throws Exception {
    TinyModel m = new TinyModel(operator ? 17 : 13, CHW);
    Onnx.ModelProto model = m.build(layerNorm2d(m, operator));
    GradientCompiler.Prepared p = GradientCompiler.prepare(model);
    assertEquals(0, count(p.model().getGraph(), "Transpose"));
    // its nodes are the compiler's, not layers of the model that `lanterne layers` lists
    assertTrue(p.layers().stream().noneMatch(l -> l.tensor().startsWith(ChannelLastNorms.PREFIX)), "layers: "
        + p.layers());
    // the normalisation's output keeps its name (its permute back is now an Identity)
    assertTrue(p.layers().stream().anyMatch(l -> l.op().equals("Identity")), "layers: " + p.layers());
    Onnx.ModelProto saliency = GradientCompiler.compileSaliency(model, GradientOptions.DEFAULT);
    long backwardTransposes = saliency.getGraph().getNodeList().stream()
        .filter(n -> n.getOpType().equals("Transpose") && n.getName().startsWith(GradientCompiler.BACKWARD_PREFIX))
        .count();
    assertEquals(0, backwardTransposes);
    // the graph the compiler differentiates computes what the model computes
    float[] x = new float[2 * 36];
    SplittableRandom rnd = new SplittableRandom(9);
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) rnd.nextDouble(-2, 2);
    }
    try (ForwardRunner original = new ForwardRunner(model, CHW);
        ForwardRunner rewritten = new ForwardRunner(p.model(), CHW)) {
      float[] a = original.run(x, 2);
      float[] b = rewritten.run(x, 2);
      assertTrue(Errors.relL2(b, a) < 1e-6, "rewritten forward differs: rel L2 " + Errors.relL2(b, a));
    }
  }

  @Test
  void aNormalisedTensorReadOutsideThePermutesIsLeftAlone() {
    TinyModel m = new TinyModel(13, CHW);
    String nhwc = m.node("Transpose", "x", ofInts("perm", 0, 2, 3, 1));
    String centred = m.node("Sub", RuleGradientTest.in(nhwc, m.node("ReduceMean", nhwc, ofInts("axes", -1))));
    String back = m.node("Transpose", centred, ofInts("perm", 0, 3, 1, 2));
    // the centred NHWC tensor also feeds the scores directly
    String extra = m.node("Transpose", centred, ofInts("perm", 0, 3, 2, 1));
    Onnx.ModelProto model = m.build(m.node("Add", RuleGradientTest.in(back, extra)));
    GradientCompiler.Prepared p = GradientCompiler.prepare(model);
    assertEquals(3, count(p.model().getGraph(), "Transpose"));
  }

  @Test
  void aRegionWithAConstantOfAnotherShapeIsLeftAlone() {
    TinyModel m = new TinyModel(13, CHW);
    String nhwc = m.node("Transpose", "x", ofInts("perm", 0, 2, 3, 1));
    String centred = m.node("Sub", RuleGradientTest.in(nhwc, m.node("ReduceMean", nhwc, ofInts("axes", -1))));
    // one value per row and channel: not a per-channel constant, so not the same broadcast in NCHW
    String scaled = m.node("Mul", RuleGradientTest.in(centred, m.random(3, 1, 4)));
    Onnx.ModelProto model = m.build(m.node("Transpose", scaled, ofInts("perm", 0, 3, 1, 2)));
    GradientCompiler.Prepared p = GradientCompiler.prepare(model);
    assertEquals(2, count(p.model().getGraph(), "Transpose"));
    assertTrue(p.model().getGraph().getNodeList().stream()
        .noneMatch(n -> n.getName().startsWith(ChannelLastNorms.PREFIX)));
  }
}
