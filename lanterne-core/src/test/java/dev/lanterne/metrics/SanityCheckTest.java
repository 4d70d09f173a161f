package dev.lanterne.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanterne.onnx.OnnxModels;
import dev.lanterne.onnx.TensorProtos;
import dev.lanterne.onnx.proto.Onnx;
import dev.lanterne.runtime.Classifier;
import dev.lanterne.runtime.RuntimeOptions;
import dev.lanterne.testing.SharedData;
import java.nio.file.Files;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SanityCheckTest {
  private static final int SIZE = 16;
  private static final int PLANE = SIZE * SIZE;

  /** Class 0 reads every pixel with a smooth positive ramp of weights, so its occlusion map is a ramp. */
  private static TinyLinearModel model() {
    boolean[] all = new boolean[PLANE];
    java.util.Arrays.fill(all, true);
    return new TinyLinearModel(SIZE, all, 0.05f, 1f);
  }

  private static Onnx.ModelProto rampModel() {
    Onnx.ModelProto m = model().proto();
    Onnx.GraphProto.Builder g = m.getGraph().toBuilder();
    float[] w = new float[2 * PLANE];
    for (int p = 0; p < PLANE; p++) {
      w[p] = 0.01f * (1 + p % SIZE + p / SIZE);
    }
    for (int i = 0; i < g.getInitializerCount(); i++) {
      if (g.getInitializer(i).getName().equals("fc.weight")) {
        g.setInitializer(i, TensorProtos.ofFloats("fc.weight", new long[] {2, PLANE}, w));
      }
    }
    return m.toBuilder().setGraph(g).build();
  }

  private static float[] image() {
    SplittableRandom rnd = new SplittableRandom(11);
    float[] x = new float[3 * PLANE];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) rnd.nextDouble(0.5, 1.5);
    }
    return x;
  }

  /** Occlusion through the model: logit0(x) - logit0(x with pixel p zeroed), one batch of all pixels. */
  private static float[] occlusion(Onnx.ModelProto model, float[] x) {
    try (Classifier c = Classifier.open(model.toByteArray(), "tiny", RuntimeOptions.DEFAULT)) {
      float[] batch = new float[(PLANE + 1) * x.length];
      for (int p = 0; p <= PLANE; p++) {
        System.arraycopy(x, 0, batch, p * x.length, x.length);
        if (p < PLANE) {
          for (int ch = 0; ch < 3; ch++) {
            batch[p * x.length + ch * PLANE + p] = 0;
          }
        }
      }
      float[] s = c.run(batch, PLANE + 1);
      float[] map = new float[PLANE];
      for (int p = 0; p < PLANE; p++) {
        map[p] = s[2 * PLANE] - s[2 * p];
      }
      return map;
    }
  }

  @Test
  void layersAreFoundFromTheOutputBack() {
    List<WeightRandomizer.Layer> layers = WeightRandomizer.layersFromOutput(model().proto());
    assertEquals(2, layers.size());
    assertEquals("fc", layers.get(0).name());
    assertEquals(List.of("fc.weight", "fc.bias"), layers.get(0).parameters());
    assertEquals("conv", layers.get(1).name());
    assertEquals(List.of("conv.weight", "conv.bias"), layers.get(1).parameters());
  }

  @Test
  void randomisationIsCumulativeSeededAndKeepsShapeAndScale() {
    Onnx.ModelProto m = rampModel();
    Onnx.ModelProto top = WeightRandomizer.randomizeTop(m, 1, 5);
    Onnx.ModelProto both = WeightRandomizer.randomizeTop(m, 2, 5);
    assertEquals(init(m, "conv.weight"), init(top, "conv.weight"));
    assertFalse(init(m, "fc.weight").equals(init(top, "fc.weight")));
    assertEquals(init(top, "fc.weight"), init(both, "fc.weight"));
    assertFalse(init(m, "conv.weight").equals(init(both, "conv.weight")));
    assertEquals(init(top, "fc.weight"), init(WeightRandomizer.randomizeTop(m, 1, 5), "fc.weight"));
    float[] before = TensorProtos.toFloats(init(m, "fc.weight"));
    float[] after = TensorProtos.toFloats(init(top, "fc.weight"));
    assertEquals(before.length, after.length);
    double ratio = rms(after) / rms(before);
    assertTrue(ratio > 0.9 && ratio < 1.1, "root mean square ratio " + ratio);
    assertTrue(Math.abs(mean(after)) < 0.1 * rms(after), "mean " + mean(after));
  }

  @Test
  void aModelMapDecorrelatesAndAnImageMapDoesNot() {
    Onnx.ModelProto m = rampModel();
    float[] x = image();
    SanityCheck check = new SanityCheck(1, 0);
    SanityCheck.Result model = check.run(m, p -> occlusion(p, x));
    assertEquals(2, model.steps().size());
    assertEquals("fc", model.steps().get(0).layer().name());
    // sanity of the setup: the original occlusion map is the weights times the input, a ramp
    float[] orig = model.original();
    assertEquals(0.01 * (1 + 3 + 2) * (x[2 * SIZE + 3] + x[PLANE + 2 * SIZE + 3] + x[2 * PLANE + 2 * SIZE + 3]),
        orig[2 * SIZE + 3], 1e-4);
    for (SanityCheck.Step s : model.steps()) {
      assertTrue(Math.abs(s.spearman()) < 0.3, "step " + s.randomized() + " rho " + s.spearman());
    }
    SanityCheck.Result image = check.run(m, p -> BaselineMaps.edges(x, 3, SIZE, SIZE));
    for (SanityCheck.Step s : image.steps()) {
      assertEquals(1.0, s.spearman(), 1e-12);
      assertEquals(1.0, s.absoluteSpearman(), 1e-12);
    }
  }

  @Test
  void quantizedAndTorchvisionModelsAreRandomised() throws Exception {
    Onnx.ModelProto r18 = OnnxModels.parse(Files.readAllBytes(SharedData.torchvision("resnet18")), "resnet18");
    List<WeightRandomizer.Layer> layers = WeightRandomizer.layersFromOutput(r18);
    assertEquals(21, layers.size());
    assertEquals("Gemm", layers.get(0).opType());
    Onnx.ModelProto qdq = OnnxModels.parse(Files.readAllBytes(SharedData.model("mobilenetv2-1.0-224-qdq.onnx")),
        "qdq");
    assertEquals(53, WeightRandomizer.layersFromOutput(qdq).size());
    Onnx.ModelProto randomised = WeightRandomizer.randomizeTop(qdq, 3, 2);
    float[] x = new float[3 * 224 * 224];
    SplittableRandom rnd = new SplittableRandom(4);
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) rnd.nextDouble(-1, 1);
    }
    float[] a;
    float[] b;
    try (Classifier c = Classifier.open(qdq.toByteArray(), "qdq", RuntimeOptions.DEFAULT)) {
      a = c.run(x, 1);
    }
    try (Classifier c = Classifier.open(randomised.toByteArray(), "qdq-random", RuntimeOptions.DEFAULT)) {
      b = c.run(x, 1);
    }
    assertTrue(Math.abs(Spearman.correlation(a, b)) < 0.5, "logits still agree: " + Spearman.correlation(a, b));
  }

  private static Onnx.TensorProto init(Onnx.ModelProto m, String name) {
    return m.getGraph().getInitializerList().stream().filter(t -> t.getName().equals(name)).findFirst().orElseThrow();
  }

  private static double rms(float[] v) {
    double s = 0;
    for (float f : v) {
      s += f * f;
    }
    return Math.sqrt(s / v.length);
  }

  private static double mean(float[] v) {
    double s = 0;
    for (float f : v) {
      s += f;
    }
    return s / v.length;
  }
}
