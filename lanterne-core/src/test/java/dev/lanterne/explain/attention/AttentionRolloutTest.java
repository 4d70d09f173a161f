package dev.lanterne.explain.attention;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanterne.LanterneException;
import dev.lanterne.explain.Explanation;
import dev.lanterne.explain.gradient.Bilinear;
import dev.lanterne.explain.gradient.Scoring;
import dev.lanterne.grad.GradientCompiler;
import dev.lanterne.grad.GradientOptions;
import dev.lanterne.onnx.Attributes;
import dev.lanterne.onnx.TensorProtos;
import dev.lanterne.onnx.proto.Onnx;
import dev.lanterne.runtime.AttentionModel;
import dev.lanterne.grad.AttentionSession;
import dev.lanterne.runtime.RuntimeOptions;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Rollout in closed form on a hand-built two-block attention graph: x [N,3,8,8], a 4x4 patch
 * embedding to 2x2 patches of 6 channels, a class token in front (T = 5), then two blocks whose
 * 2-head attention is Softmax(L_b + 0 * mean(x)) with constant logits L_b, so the attention maps are
 * known without running the model; each block averages its heads' A V. The scores are the last
 * block's tokens, flattened.
 */
class AttentionRolloutTest {
  private static final int T = 5;
  private static final int HEADS = 2;
  private static final SplittableRandom RND = new SplittableRandom(17);
  private static final float[][] LOGITS = {random(HEADS * T * T, 2), random(HEADS * T * T, 2)};

  @Test
  void rolloutMatchesTheClosedForm() {
    float[] x = random(2 * 3 * 64, 1);
    try (AttentionModel m = new AttentionSession(GradientCompiler.attention(model(), GradientOptions.DEFAULT, false),
        RuntimeOptions.DEFAULT)) {
      assertEquals(HEADS, m.heads());
      assertEquals(T, m.tokens());
      assertEquals(2, m.blocks());
      assertTrue(!m.hasGradients());
      // (A+I)/2 per block, heads averaged, product of block 2 by block 1; row 0 over the 2x2 patches
      double[][] hat = new double[2][];
      for (int b = 0; b < 2; b++) {
        hat[b] = new double[T * T];
        for (int i = 0; i < T; i++) {
          for (int h = 0; h < HEADS; h++) {
            double[] row = softmaxRow(LOGITS[b], (h * T + i) * T);
            for (int j = 0; j < T; j++) {
              hat[b][i * T + j] += 0.5 * row[j] / HEADS + (i == j && h == 0 ? 0.5 : 0);
            }
          }
        }
      }
      float[] expected = new float[4];
      for (int j = 0; j < 4; j++) {
        double s = 0;
        for (int k = 0; k < T; k++) {
          s += hat[1][k] * hat[0][k * T + 1 + j];
        }
        expected[j] = (float) s;
      }
      List<Explanation> e = new AttentionRollout(m, Scoring.LOGITS).explain(x, 2, new int[][] {{3}, {0, 7}},
          AttentionRollout.Options.ROLLOUT);
      assertEquals(3, e.size());
      float[] big = Bilinear.resize(expected, 2, 2, 8, 8);
      for (Explanation ex : e) {
        assertEquals("rollout", ex.method());
        assertArrayEquals(big, ex.map().data(), 1e-5f);
      }
    }
  }

  @Test
  void rolloutRowsSumToOne() {
    List<double[]> blocks = List.of(stochastic(7), stochastic(7), stochastic(7));
    for (Rollout.HeadFusion f : Rollout.HeadFusion.values()) {
      double[] r = Rollout.rollout(blocks, 7);
      for (int i = 0; i < 7; i++) {
        double s = 0;
        for (int j = 0; j < 7; j++) {
          s += r[i * 7 + j];
          assertTrue(r[i * 7 + j] >= 0);
        }
        assertEquals(1, s, 1e-12, f + " row " + i);
      }
    }
  }

  @Test
  void relevanceIsCheferAccumulation() {
    double[] a1 = {0, 1, 0, 0.5};
    double[] a2 = {1, 0, 2, 0};
    // R1 = I + a1 = [[1,1],[0,1.5]]; R2 = R1 + a2 R1 = R1 + [[1,1],[2,2]] = [[2,2],[2,3.5]]
    assertArrayEquals(new double[] {2, 2, 2, 3.5}, Rollout.relevance(List.of(a1, a2), 2), 1e-12);
    float[] a = {0.5f, 0.5f, 0.2f, 0.8f, /* head 2 */ 1, 0, 0, 1};
    float[] g = {2, -1, 1, 1, /* head 2 */ -3, 4, 1, 1};
    assertArrayEquals(new double[] {0.5, 0, 0.1, 0.9}, Rollout.gradientWeighted(a, g, 0, 2, 2), 1e-7);
  }

  /**
   * The gradient-weighted attention needs dy/dA in the same layout as A. The scores are linear in
   * each block's attention, so sum(A * dA) over heads and positions equals sum(seed * y) per image.
   */
  @Test
  void attentionGradientsAreLaidOutLikeTheAttention() {
    float[] x = random(2 * 3 * 64, 1);
    try (AttentionModel m = new AttentionSession(GradientCompiler.attention(model(), GradientOptions.DEFAULT, true),
        RuntimeOptions.DEFAULT)) {
      assertTrue(m.hasGradients());
      int k = m.numClasses();
      float[] seed = random(2 * k, 1);
      AttentionModel.Result r = m.run(x, 2, seed);
      for (int n = 0; n < 2; n++) {
        double sy = 0;
        for (int c = 0; c < k; c++) {
          sy += seed[n * k + c] * r.scores()[n * k + c];
        }
        for (int b = 0; b < 2; b++) {
          double s = 0;
          int per = HEADS * T * T;
          for (int i = n * per; i < (n + 1) * per; i++) {
            s += (double) r.attention()[b][i] * r.gradients()[b][i];
          }
          assertEquals(sy, s, 1e-4 * Math.max(1, Math.abs(sy)), "image " + n + " block " + b);
        }
      }
      List<Explanation> e = new AttentionRollout(m, Scoring.LOGITS).explain(x, 2, new int[][] {{0, 5}, {1}},
          AttentionRollout.Options.GRADIENT_WEIGHTED);
      assertEquals("grad-rollout", e.get(0).method());
      assertTrue(!Arrays.equals(e.get(0).map().data(), e.get(1).map().data()), "depends on the class");
    }
  }

  @Test
  void refusesModelsWithoutAttention() {
    Onnx.ModelProto cnn = build(List.of(node("Conv", List.of("x", weight("w", new long[] {6, 3, 4, 4})), "p",
        Attributes.ofInts("strides", 4, 4)), node("Flatten", List.of("p"), "y", Attributes.ofInt("axis", 1))), "y");
    LanterneException e = assertThrows(LanterneException.class,
        () -> GradientCompiler.attention(cnn, GradientOptions.DEFAULT, false));
    assertTrue(e.getMessage().contains("no attention map"), e.getMessage());
  }

  private static Onnx.ModelProto model() {
    List<Onnx.NodeProto> nodes = new java.util.ArrayList<>(List.of(
        node("Conv", List.of("x", weight("w", new long[] {6, 3, 4, 4})), "p", Attributes.ofInts("strides", 4, 4)),
        node("Reshape", List.of("p", ints("shape", 0, 6, 4)), "pr"),
        node("Transpose", List.of("pr"), "tok", Attributes.ofInts("perm", 0, 2, 1)),
        node("Pad", List.of("tok", ints("pads", 0, 1, 0, 0, 0, 0), scalar("half", 0.5f)), "v0"),
        node("ReduceMean", List.of("x"), "mx", Attributes.ofInts("axes", 1, 2, 3)),
        node("Mul", List.of("mx", scalar("zero", 0f)), "z")));
    for (int b = 0; b < 2; b++) {
      String l = "l" + b;
      nodes.add(node("Add", List.of(constant(l, new long[] {1, HEADS, T, T}, LOGITS[b]), "z"), "s" + b));
      nodes.add(node("Softmax", List.of("s" + b), "a" + b, Attributes.ofInt("axis", -1)));
      nodes.add(node("Unsqueeze", List.of("v" + b, ints("ax" + b, 1)), "vu" + b));
      nodes.add(node("MatMul", List.of("a" + b, "vu" + b), "o" + b));
      nodes.add(node("ReduceMean", List.of("o" + b), "v" + (b + 1), Attributes.ofInts("axes", 1),
          Attributes.ofInt("keepdims", 0)));
    }
    nodes.add(node("Flatten", List.of("v2"), "y", Attributes.ofInt("axis", 1)));
    return build(nodes, "y");
  }

  private static final List<Onnx.TensorProto> INITS = new java.util.ArrayList<>();

  private static Onnx.ModelProto build(List<Onnx.NodeProto> nodes, String out) {
    Onnx.GraphProto.Builder g = Onnx.GraphProto.newBuilder().setName("attention").addAllNode(nodes);
    for (Onnx.TensorProto t : INITS) {
      if (nodes.stream().anyMatch(n -> n.getInputList().contains(t.getName()))) {
        g.addInitializer(t);
      }
    }
    g.addInput(dev.lanterne.testing.TinyModels.floats("x", -1, 3, 8, 8));
    g.addOutput(Onnx.ValueInfoProto.newBuilder().setName(out).setType(Onnx.TypeProto.newBuilder()
        .setTensorType(Onnx.TypeProto.Tensor.newBuilder().setElemType(1))));
    return Onnx.ModelProto.newBuilder().setIrVersion(8).setProducerName("test")
        .addOpsetImport(Onnx.OperatorSetIdProto.newBuilder().setDomain("").setVersion(13)).setGraph(g).build();
  }

  private static Onnx.NodeProto node(String op, List<String> in, String out, Onnx.AttributeProto... attrs) {
    return Onnx.NodeProto.newBuilder().setOpType(op).setName(out + "_node").addAllInput(in).addOutput(out)
        .addAllAttribute(Arrays.asList(attrs)).build();
  }

  private static String weight(String name, long[] dims) {
    int n = (int) Arrays.stream(dims).reduce(1, (a, b) -> a * b);
    return constant(name, dims, random(n, 0.5));
  }

  private static String constant(String name, long[] dims, float[] v) {
    INITS.removeIf(t -> t.getName().equals(name));
    INITS.add(TensorProtos.ofFloats(name, dims, v));
    return name;
  }

  private static String scalar(String name, float v) {
    INITS.removeIf(t -> t.getName().equals(name));
    INITS.add(TensorProtos.scalar(name, v));
    return name;
  }

  private static String ints(String name, long... v) {
    INITS.removeIf(t -> t.getName().equals(name));
    INITS.add(TensorProtos.vector(name, v));
    return name;
  }

  private static float[] random(int n, double scale) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) RND.nextDouble(-scale, scale);
    }
    return v;
  }

  private static double[] softmaxRow(float[] l, int off) {
    double max = Double.NEGATIVE_INFINITY;
    for (int j = 0; j < T; j++) {
      max = Math.max(max, l[off + j]);
    }
    double[] e = new double[T];
    double s = 0;
    for (int j = 0; j < T; j++) {
      e[j] = Math.exp(l[off + j] - max);
      s += e[j];
    }
    for (int j = 0; j < T; j++) {
      e[j] /= s;
    }
    return e;
  }

  private static double[] stochastic(int t) {
    double[] a = new double[t * t];
    for (int i = 0; i < t; i++) {
      double s = 0;
      for (int j = 0; j < t; j++) {
        a[i * t + j] = RND.nextDouble();
        s += a[i * t + j];
      }
      for (int j = 0; j < t; j++) {
        a[i * t + j] /= s;
      }
    }
    return a;
  }
}
