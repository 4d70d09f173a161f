package dev.lanterne.grad;

import static dev.lanterne.onnx.Attributes.ofInt;
import static dev.lanterne.onnx.Attributes.ofInts;
import static dev.lanterne.onnx.Attributes.ofTensor;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanterne.onnx.TensorProtos;
import dev.lanterne.onnx.proto.Onnx;
import dev.lanterne.runtime.GradientModel;
import dev.lanterne.runtime.RuntimeOptions;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * LRP and DeepLift as modified backward passes, checked by their defining properties: DeepLift's
 * attributions sum to f(x) - f(x') (summation to delta) through ReLU, smooth activations and max
 * pooling; LRP-epsilon's to f(x) on a network without biases; LRP z+ conserves relevance whatever the
 * biases; and both LRP rules match a hand-computed single layer. The plain gradient fails the same
 * completeness checks, so they can fail.
 */
class AttributionRulesTest {
  private static final long[] CHW = {2, 6, 6};
  private static final int N = 3;
  private static final int CLASSES = 4;

  /**
   * Conv(+bias) -> act -> MaxPool -> Conv(+bias) -> Relu -> GlobalAveragePool -> Flatten -> Gemm(+bias).
   * "HardSwish" is written as torchvision exports it, x * HardSigmoid(x); "QDQ" is a Relu followed by a
   * QuantizeLinear/DequantizeLinear pair (scale 0.05).
   */
  private static Onnx.ModelProto network(boolean bias, String activation) {
    TinyModel m = new TinyModel(13, CHW);
    String[] conv1 = bias ? new String[] {"x", m.random(4, 2, 3, 3), m.random(4)}
        : new String[] {"x", m.random(4, 2, 3, 3)};
    String c = m.node("Conv", conv1, ofInts("pads", 1, 1, 1, 1));
    String h = switch (activation) {
      case "HardSwish" -> m.node("Mul", new String[] {c, m.node("HardSigmoid", c)});
      case "QDQ" -> {
        String scale = m.scalar(0.05f);
        String zero = m.node("Constant", new String[0], ofTensor("value",
            TensorProtos.ofIntegers("", new long[0], new long[] {0}, Onnx.TensorProto.DataType.UINT8_VALUE)));
        String q = m.node("QuantizeLinear", new String[] {m.node("Relu", c), scale, zero});
        yield m.node("DequantizeLinear", new String[] {q, scale, zero});
      }
      default -> m.node(activation, c);
    };
    h = m.node("MaxPool", h, ofInts("kernel_shape", 2, 2), ofInts("strides", 2, 2));
    String[] conv2 = bias ? new String[] {h, m.random(5, 4, 3, 3), m.random(5)}
        : new String[] {h, m.random(5, 4, 3, 3)};
    h = m.node("Relu", m.node("Conv", conv2, ofInts("pads", 1, 1, 1, 1)));
    h = m.node("Flatten", m.node("GlobalAveragePool", h));
    String[] gemm = bias ? new String[] {h, m.random(CLASSES, 5), m.random(CLASSES)}
        : new String[] {h, m.random(CLASSES, 5)};
    return m.build(m.node("Gemm", gemm, ofInt("transB", 1)));
  }

  private static float[] random(long seed, int n, double lo, double hi) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) r.nextDouble(lo, hi);
    }
    return v;
  }

  private static float[] seed(int... classes) {
    float[] s = new float[classes.length * CLASSES];
    for (int i = 0; i < classes.length; i++) {
      s[i * CLASSES + classes[i]] = 1f;
    }
    return s;
  }

  private static double rowSum(float[] v, int row, int per) {
    double s = 0;
    for (int i = row * per; i < (row + 1) * per; i++) {
      s += v[i];
    }
    return s;
  }

  @Test
  void deepLiftSumsToTheScoreDifferenceThroughActivationsQuantizationAndMaxPooling() {
    int per = (int) (CHW[0] * CHW[1] * CHW[2]);
    int[] classes = {0, 2, 3};
    for (String activation : new String[] {"Relu", "Sigmoid", "Tanh", "QDQ", "HardSwish"}) {
      Onnx.ModelProto model = network(true, activation);
      float[] x = random(1, N * per, -1, 1);
      float[] baseline = random(2, N * per, -1, 1);
      baseline[0] = x[0]; // one element where x = x': the gradient takes over, completeness still holds
      double worstGradient = 0;
      try (DeepLiftSession deepLift = new DeepLiftSession(DeepLiftCompiler.compile(model), RuntimeOptions.DEFAULT);
          GradientModel gradient = new SaliencySession(GradientCompiler.compileSaliency(model,
              GradientOptions.DEFAULT), RuntimeOptions.DEFAULT)) {
        DeepLiftSession.Result r = deepLift.run(x, baseline, N, seed(classes));
        GradientModel.Result g = gradient.gradient(x, N, seed(classes));
        for (int i = 0; i < N; i++) {
          double delta = r.scores()[i * CLASSES + classes[i]] - r.referenceScores()[i * CLASSES + classes[i]];
          double sum = 0;
          double plain = 0;
          for (int j = i * per; j < (i + 1) * per; j++) {
            sum += (x[j] - baseline[j]) * r.multipliers()[j];
            plain += (x[j] - baseline[j]) * g.inputGradient()[j];
          }
          assertEquals(delta, sum, 2e-5 * Math.max(1, Math.abs(delta)), activation + " image " + i);
          worstGradient = Math.max(worstGradient, Math.abs(plain - delta));
        }
      }
      assertTrue(worstGradient > 1e-3, activation + ": gradient x delta should miss completeness");
    }
  }

  @Test
  void lrpEpsilonSumsToTheScoreWithoutBiasesThroughReluAndGatedHardSwish() {
    int per = (int) (CHW[0] * CHW[1] * CHW[2]);
    int[] classes = {1, 0, 3};
    float[] x = random(3, N * per, -1, 1);
    for (String activation : new String[] {"Relu", "HardSwish"}) {
      for (boolean bias : new boolean[] {false, true}) {
        Onnx.ModelProto model = network(bias, activation);
        try (GradientModel lrp = new SaliencySession(GradientCompiler.compileSaliency(model,
            GradientOptions.DEFAULT.withVariant(Variant.LRP_EPSILON)), RuntimeOptions.DEFAULT)) {
          GradientModel.Result r = lrp.gradient(x, N, seed(classes));
          double worst = 0;
          for (int i = 0; i < N; i++) {
            double score = r.scores()[i * CLASSES + classes[i]];
            double relevance = 0;
            for (int j = i * per; j < (i + 1) * per; j++) {
              relevance += x[j] * r.inputGradient()[j];
            }
            worst = Math.max(worst, Math.abs(relevance - score) / Math.max(1e-3, Math.abs(score)));
          }
          if (bias) {
            assertTrue(worst > 1e-3, "biases absorb relevance, so the sum should miss f(x)");
          } else {
            assertTrue(worst < 1e-4, activation + ": relative gap " + worst);
          }
        }
      }
    }
  }

  @Test
  void lrpZPlusConservesRelevanceEvenWithBiases() {
    int per = (int) (CHW[0] * CHW[1] * CHW[2]);
    int[] classes = {2, 1, 0};
    Onnx.ModelProto model = network(true, "Relu");
    // non-negative inputs (the classic z+), then signed ones (positive parts x+ w+ + x- w-)
    for (float lo : new float[] {0, -1}) {
      float[] x = random(4, N * per, lo, 1);
      try (GradientModel lrp = new SaliencySession(GradientCompiler.compileSaliency(model,
          GradientOptions.DEFAULT.withVariant(Variant.LRP_ZPLUS)), RuntimeOptions.DEFAULT)) {
        GradientModel.Result r = lrp.gradient(x, N, seed(classes));
        for (int i = 0; i < N; i++) {
          double score = r.scores()[i * CLASSES + classes[i]];
          double relevance = 0;
          for (int j = i * per; j < (i + 1) * per; j++) {
            relevance += x[j] * r.inputGradient()[j];
          }
          assertEquals(score, relevance, 1e-4 * Math.max(1, Math.abs(score)), "inputs from " + lo + ", image " + i);
        }
      }
    }
  }

  @Test
  void lrpRulesOnOneLayerMatchTheirDefinitions() {
    // y0 = 2 x0 - x1 + 0.5 at x = (1, 2): y0 = 0.5
    TinyModel m = new TinyModel(13, 1, 1, 2);
    Onnx.ModelProto model = m.build(m.node("Gemm", new String[] {m.node("Flatten", "x"),
        m.floats(new long[] {2, 2}, 2, -1, 1, 1), m.floats(new long[] {2}, 0.5f, 0)}, ofInt("transB", 1)));
    float[] x = {1, 2};
    float[] seed = {1, 0};
    // epsilon: R_i = x_i w_i y0 / y0 = (2, -2), the bias keeps the rest
    assertArrayEquals(new float[] {2, -2}, relevance(model, Variant.LRP_EPSILON, x, seed), 1e-6f);
    // z+: w+ = (2, 0), z+ = 2: R = (1 * 2 / 2 * 0.5, 0)
    assertArrayEquals(new float[] {0.5f, 0}, relevance(model, Variant.LRP_ZPLUS, x, seed), 1e-6f);
  }

  private static float[] relevance(Onnx.ModelProto model, Variant variant, float[] x, float[] seed) {
    try (GradientModel g = new SaliencySession(GradientCompiler.compileSaliency(model,
        GradientOptions.DEFAULT.withVariant(variant)), RuntimeOptions.DEFAULT)) {
      float[] grad = g.gradient(x, 1, seed).inputGradient();
      float[] r = new float[x.length];
      for (int i = 0; i < x.length; i++) {
        r[i] = x[i] * grad[i];
      }
      return r;
    }
  }
}
