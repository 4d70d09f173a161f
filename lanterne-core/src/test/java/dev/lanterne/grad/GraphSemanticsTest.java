package dev.lanterne.grad;

import static dev.lanterne.onnx.Attributes.ofInts;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanterne.LanterneException;
import dev.lanterne.onnx.proto.Onnx;
import dev.lanterne.runtime.CamModel;
import dev.lanterne.grad.GradCamSession;
import dev.lanterne.runtime.GradientModel;
import dev.lanterne.runtime.InversionModel;
import dev.lanterne.grad.InversionSession;
import dev.lanterne.runtime.RuntimeOptions;
import dev.lanterne.grad.SaliencySession;
import dev.lanterne.testing.RandomArrays;
import org.junit.jupiter.api.Test;

/** Hand-computed cases: backward variants, max-pooling ties, errors, the inversion step, fixed batches. */
class GraphSemanticsTest {
  private static final RuntimeOptions OPTS = RuntimeOptions.DEFAULT;

  private static float[] saliency(Onnx.ModelProto model, GradientOptions o, float[] x, int n, float[] seed) {
    try (GradientModel g = new SaliencySession(GradientCompiler.compileSaliency(model, o), OPTS)) {
      return g.gradient(x, n, seed).inputGradient();
    }
  }

  @Test
  void reluVariants() {
    TinyModel m = new TinyModel(13, 1, 1, 4);
    Onnx.ModelProto model = m.build(m.node("Relu", "x"));
    float[] x = {-1, 2, -3, 4};
    float[] seed = {0.5f, -0.25f, 2f, -1f};
    assertArrayEquals(new float[] {0, -0.25f, 0, -1f}, saliency(model, GradientOptions.DEFAULT, x, 1, seed));
    assertArrayEquals(new float[] {0, 0, 0, 0},
        saliency(model, GradientOptions.DEFAULT.withVariant(Variant.GUIDED), x, 1, seed));
    assertArrayEquals(new float[] {0.5f, 0, 2f, 0},
        saliency(model, GradientOptions.DEFAULT.withVariant(Variant.DECONVNET), x, 1, seed));
    float[] x2 = {-1, 2, 3, 4};
    assertArrayEquals(new float[] {0, 0, 2f, 0},
        saliency(model, GradientOptions.DEFAULT.withVariant(Variant.GUIDED), x2, 1, seed));
  }

  @Test
  void relu6VariantsAct() {
    TinyModel m = new TinyModel(11, 1, 1, 4);
    Onnx.ModelProto model = m.build(m.node("Clip", new String[] {"x", m.scalar(0f), m.scalar(6f)}));
    float[] x = {-1, 2, 7, 4};
    float[] seed = {0.5f, -0.25f, 2f, 1f};
    assertArrayEquals(new float[] {0, -0.25f, 0, 1f}, saliency(model, GradientOptions.DEFAULT, x, 1, seed));
    assertArrayEquals(new float[] {0, 0, 0, 1f},
        saliency(model, GradientOptions.DEFAULT.withVariant(Variant.GUIDED), x, 1, seed));
    assertArrayEquals(new float[] {0.5f, 0, 2f, 1f},
        saliency(model, GradientOptions.DEFAULT.withVariant(Variant.DECONVNET), x, 1, seed));
  }

  @Test
  void maxPoolTiesGoToTheFirstMaximumAndOverlapsAdd() {
    // 3x3 windows with stride 1 on 4x4 (the per-offset comparisons)
    TinyModel m = new TinyModel(13, 1, 4, 4);
    Onnx.ModelProto model = m.build(m.node("MaxPool", "x", ofInts("kernel_shape", 3, 3)));
    float[] seed = {1, 2, 3, 4};
    assertArrayEquals(values(16, 0, 1, 1, 2, 4, 3, 5, 4), saliency(model, GradientOptions.DEFAULT, new float[16], 1, seed));
    assertArrayEquals(values(16, 5, 10), saliency(model, GradientOptions.DEFAULT, values(16, 5, 1), 1, seed));
  }

  @Test
  void stridedMaxPoolTiesGoToTheFirstMaximumAndOverlapsAddAcrossWindowGroups() {
    // 3x3 windows with stride 2 on 5x5: windows at rows/cols {0-2, 2-4}, overlapping on row and column 2
    // (the MaxPool-with-indices path: four groups of disjoint windows)
    TinyModel m = new TinyModel(13, 1, 5, 5);
    Onnx.ModelProto model = m.build(m.node("MaxPool", "x", ofInts("kernel_shape", 3, 3), ofInts("strides", 2, 2)));
    float[] seed = {1, 2, 3, 4};
    assertArrayEquals(values(25, 0, 1, 2, 2, 10, 3, 12, 4),
        saliency(model, GradientOptions.DEFAULT, new float[25], 1, seed));
    assertArrayEquals(values(25, 12, 10), saliency(model, GradientOptions.DEFAULT, values(25, 12, 1), 1, seed));
    // a tie inside the first window between (0,1) and (1,0): the row-major first, (0,1), takes it
    assertArrayEquals(values(25, 1, 1, 2, 2, 10, 3, 12, 4),
        saliency(model, GradientOptions.DEFAULT, values(25, 1, 5, 5, 5), 1, seed));
  }

  /** A float array of the given length, zero except at the (index, value) pairs. */
  private static float[] values(int length, float... indexValuePairs) {
    float[] out = new float[length];
    for (int i = 0; i < indexValuePairs.length; i += 2) {
      out[(int) indexValuePairs[i]] = indexValuePairs[i + 1];
    }
    return out;
  }

  @Test
  void operatorWithoutRuleIsNamed() {
    TinyModel m = new TinyModel(13, 1, 2, 2);
    Onnx.ModelProto model = m.build(m.node("Sin", "x"));
    LanterneException e = assertThrows(LanterneException.class,
        () -> GradientCompiler.compileSaliency(model, GradientOptions.DEFAULT));
    assertTrue(e.getMessage().startsWith("no gradient rule for operator Sin (node 'Sin_node_1')"), e.getMessage());
    assertTrue(e instanceof NotDifferentiableException, "a NotDifferentiableException, for the CLI's advice");
    assertTrue(!e.getMessage().contains("--"), "library errors name no CLI flag: " + e.getMessage());
  }

  @Test
  void einsumDiagonalAndConvTransposeOddSamePaddingAreRefusedByNode() {
    TinyModel m = new TinyModel(13, 2, 3, 3);
    Onnx.ModelProto diagonal = m.build(m.node("Einsum", "x",
        dev.lanterne.onnx.Attributes.ofString("equation", "bcii->bci")));
    LanterneException e = assertThrows(NotDifferentiableException.class,
        () -> GradientCompiler.compileSaliency(diagonal, GradientOptions.DEFAULT));
    assertTrue(e.getMessage().matches("cannot differentiate Einsum node 'Einsum_node_\\d+' \\(label 'i' repeated"
        + " within one operand \\(a diagonal\\)\\)"), e.getMessage());
    TinyModel t = new TinyModel(17, 2, 4, 4);
    Onnx.ModelProto oddSame = t.build(t.node("ConvTranspose", new String[] {"x", t.random(2, 2, 3, 3)},
        dev.lanterne.onnx.Attributes.ofString("auto_pad", "SAME_UPPER"), ofInts("strides", 2, 2)));
    e = assertThrows(NotDifferentiableException.class,
        () -> GradientCompiler.compileSaliency(oddSame, GradientOptions.DEFAULT));
    assertTrue(e.getMessage().matches("cannot differentiate ConvTranspose node 'ConvTranspose_node_\\d+' "
        + "\\(auto_pad or output_shape with an odd total padding\\)"), e.getMessage());
  }

  private static Onnx.ModelProto smallCnn(TinyModel m) {
    String conv = m.node("Conv", new String[] {"x", m.random(3, 2, 3, 3), m.random(3)}, ofInts("pads", 1, 1, 1, 1));
    return m.build(m.node("GlobalAveragePool", m.node("Relu", conv)));
  }

  @Test
  void inversionStepAndGradCamOfASmallCnn() {
    Onnx.ModelProto model = smallCnn(new TinyModel(11, 2, 5, 5));
    int n = 3;
    int per = 50;
    float[] x = RandomArrays.uniform(n * per, 1);
    float[] seed = RandomArrays.uniform(n * 3, 2);
    for (boolean normalize : new boolean[] {true, false}) {
      GradientCompiler.Graphs graphs = GradientCompiler.compile(model,
          GradientOptions.DEFAULT.withNormalizeInversion(normalize));
      assertTrue(graphs.layer().startsWith("relu"), graphs.layer());
      float[] g;
      try (GradientModel sal = new SaliencySession(graphs.saliency(), OPTS)) {
        g = sal.gradient(x, n, seed).inputGradient();
      }
      float lr = 0.3f;
      float l2 = 0.05f;
      try (InversionModel inv = new InversionSession(graphs.inversion(), OPTS)) {
        InversionModel.Result r = inv.step(x, n, seed, lr, l2);
        assertTrue(Errors.relL2(r.gradient(), g) < 1e-6);
        // the ascent loop's two calls fetch one image-sized output each, with the same values as step's
        InversionModel.Result u = inv.update(x, n, seed, lr, l2);
        assertArrayEquals(r.next(), u.next());
        assertArrayEquals(r.scores(), u.scores());
        assertNull(u.gradient());
        InversionModel.Result d = inv.gradient(x, n, seed);
        assertArrayEquals(r.gradient(), d.gradient());
        assertNull(d.next());
        for (int i = 0; i < n; i++) {
          double meanAbs = 0;
          for (int j = 0; j < per; j++) {
            meanAbs += Math.abs(g[i * per + j]) / per;
          }
          for (int j = 0; j < per; j++) {
            int k = i * per + j;
            double step = normalize ? g[k] / meanAbs : g[k];
            double expected = x[k] + lr * step - lr * l2 * x[k];
            assertEquals(expected, r.next()[k], 1e-5 * (1 + Math.abs(expected)), "normalize=" + normalize);
          }
        }
      }
      try (CamModel cam = new GradCamSession(graphs.gradcam(), graphs.layer(), OPTS)) {
        CamModel.Result c = cam.run(x, n, seed);
        assertArrayEquals(new int[] {n, 3, 5, 5}, c.activationShape());
        // A is the ReLU output; the gradient through the global average pool is seed / 25 everywhere
        for (int i = 0; i < c.activation().length; i++) {
          int img = i / 75;
          int ch = (i / 25) % 3;
          assertTrue(c.activation()[i] >= 0);
          float want = seed[img * 3 + ch] / 25f;
          assertEquals(want, c.activationGradient()[i], 1e-7);
        }
      }
    }
  }

  private static long batchDim(Onnx.ModelProto derived) {
    return derived.getGraph().getInput(0).getType().getTensorType().getShape().getDim(0).getDimValue();
  }

  @Test
  void fixedBatchModelIsMadeDynamicOrRunsOneImageAtATime() {
    Onnx.ModelProto dynamic = smallCnn(new TinyModel(11, 2, 5, 5));
    Onnx.ModelProto rewritable = smallCnn(new TinyModel(11, 2, 5, 5).fixedBatch());
    // a Concat along axis 0 mixes the batch with data: the batch rewrite refuses it
    TinyModel m = new TinyModel(11, 2, 5, 5).fixedBatch();
    String conv = m.node("Conv", new String[] {"x", m.random(3, 2, 3, 3), m.random(3)}, ofInts("pads", 1, 1, 1, 1));
    Onnx.ModelProto fixed = m.build(m.node("Concat", new String[] {m.node("GlobalAveragePool", m.node("Relu", conv))},
        dev.lanterne.onnx.Attributes.ofInt("axis", 0)));
    int n = 3;
    float[] x = RandomArrays.uniform(n * 50, 4);
    float[] seed = RandomArrays.uniform(n * 3, 5);
    assertEquals(0, batchDim(GradientCompiler.compileSaliency(rewritable, GradientOptions.DEFAULT)), "made dynamic");
    assertEquals(1, batchDim(GradientCompiler.compileSaliency(fixed, GradientOptions.DEFAULT)), "kept at 1");
    float[] batched = saliency(dynamic, GradientOptions.DEFAULT, x, n, seed);
    assertTrue(Errors.relL2(saliency(rewritable, GradientOptions.DEFAULT, x, n, seed), batched) < 1e-6);
    assertTrue(Errors.relL2(saliency(fixed, GradientOptions.DEFAULT, x, n, seed), batched) < 1e-6);
  }

  @Test
  void namedLayerAndChunkedBatches() {
    TinyModel m = new TinyModel(13, 2, 5, 5);
    String conv = m.node("Conv", new String[] {"x", m.random(3, 2, 3, 3), m.random(3)}, ofInts("pads", 1, 1, 1, 1));
    Onnx.ModelProto model = m.build(m.node("GlobalAveragePool", m.node("Relu", conv)));
    int n = 5;
    float[] x = RandomArrays.uniform(n * 50, 8);
    float[] seed = RandomArrays.uniform(n * 3, 9);
    GradientCompiler.Graphs graphs = GradientCompiler.compile(model, GradientOptions.DEFAULT.withLayer(conv));
    assertEquals(conv, graphs.layer());
    try (CamModel cam = new GradCamSession(graphs.gradcam(), graphs.layer(), OPTS.withMaxBatch(2))) {
      CamModel.Result c = cam.run(x, n, seed);
      for (int i = 0; i < c.activation().length; i++) {
        // through ReLU and a 5x5 global average pool
        float want = c.activation()[i] > 0 ? seed[(i / 75) * 3 + (i / 25) % 3] / 25f : 0f;
        assertEquals(want, c.activationGradient()[i], 1e-7);
      }
    }
    float[] whole;
    float[] chunked;
    try (GradientModel g = new SaliencySession(graphs.saliency(), OPTS)) {
      whole = g.gradient(x, n, seed).inputGradient();
    }
    try (GradientModel g = new SaliencySession(graphs.saliency(), OPTS.withMaxBatch(2))) {
      chunked = g.gradient(x, n, seed).inputGradient();
    }
    assertArrayEquals(whole, chunked);
  }

  @Test
  void unknownLayerIsAUsageError() {
    Onnx.ModelProto model = smallCnn(new TinyModel(11, 2, 5, 5));
    LanterneException e = assertThrows(LanterneException.class,
        () -> GradientCompiler.compile(model, GradientOptions.DEFAULT.withLayer("nope")));
    assertEquals(LanterneException.USAGE, e.exitCode());
  }
}
