package dev.lanterne.grad;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lanterne.LanterneException;
import dev.lanterne.image.Preprocessor;
import dev.lanterne.model.ModelCard;
import dev.lanterne.onnx.OnnxModels;
import dev.lanterne.onnx.proto.Onnx;
import dev.lanterne.runtime.CamModel;
import dev.lanterne.runtime.Classifier;
import dev.lanterne.grad.GradCamSession;
import dev.lanterne.grad.InversionSession;
import dev.lanterne.runtime.RuntimeOptions;
import dev.lanterne.grad.SaliencySession;
import dev.lanterne.testing.RandomArrays;
import dev.lanterne.testing.SharedData;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The scores every derived graph reports are the scores `classify` reports, bit for bit: the forward
 * part of a derived graph runs the same kernels as the plain model (on the quantized MobileNetV2, the
 * same fused int8 kernels). Checked for the three graphs of every shared model, at batch 1 and 3, on
 * random inputs and (for the pretrained models) on a photo. Models whose shape arithmetic the compiler
 * must fold first (transformer exports) run a rewritten forward that ONNX Runtime fuses differently;
 * their scores must agree to float32 rounding (1e-5 of the largest score), not bit for bit.
 */
class ScoreEqualityTest {
  private static final RuntimeOptions OPTS = RuntimeOptions.DEFAULT.withThreads(2);

  @ParameterizedTest
  @ValueSource(strings = {"mobilenetv2-1.0-224-qdq.onnx", "mobilenetv1-0.25-128.onnx", "torchvision/resnet18.onnx",
      "torchvision/squeezenet1_1.onnx", "torchvision/mobilenet_v3_small.onnx", "zoo/convnext_small_cfg_op13.onnx",
      "zoo/convnext_small_cfg_op17.onnx", "zoo/swin_tiny_op13.onnx", "zoo/swin_tiny_op17.onnx",
      "zoo/vit_tiny_op13.onnx", "zoo/vit_tiny_op17.onnx"})
  void derivedGraphScoresEqualTheClassifiers(String name) {
    Path file = SharedData.model(name);
    Onnx.ModelProto model = OnnxModels.load(file);
    GradientCompiler.Graphs graphs;
    try {
      graphs = GradientCompiler.compile(model, GradientOptions.DEFAULT);
    } catch (LanterneException e) {
      // operator coverage is checked elsewhere; this test is about models the compiler differentiates
      Assumptions.assumeTrue(false, name + " does not compile here: " + e.getMessage());
      return;
    }
    try (Classifier plain = Classifier.open(model.toByteArray(), name, OPTS);
        SaliencySession saliency = new SaliencySession(graphs.saliency(), OPTS);
        CamModel cam = new GradCamSession(graphs.gradcam(), graphs.layer(), OPTS);
        InversionSession inversion = new InversionSession(graphs.inversion(), OPTS)) {
      int[] chw = plain.inputShape();
      int k = plain.numClasses();
      for (int n : new int[] {1, 3}) {
        float[] x = RandomArrays.uniform(n * chw[0] * chw[1] * chw[2], n);
        if (!name.contains("/")) {
          // a photo, as `classify` would prepare it, in the first row
          float[] photo = Preprocessor.forCard(ModelCard.inception(chw[1], chw[2]))
              .prepare(SharedData.image("cat.png")).tensor();
          System.arraycopy(photo, 0, x, 0, photo.length);
        }
        float[] seed = new float[n * k];
        for (int i = 0; i < n; i++) {
          seed[i * k + 17 * i % k] = 1f;
        }
        float[] expected = plain.run(x, n);
        boolean exact = !GradientCompiler.needsShapeFolding(model);
        same(name + " saliency, batch " + n, expected, saliency.gradient(x, n, seed).scores(), exact);
        same(name + " Grad-CAM, batch " + n, expected, cam.run(x, n, seed).scores(), exact);
        same(name + " inversion, batch " + n, expected, inversion.step(x, n, seed, 0.1f, 0f).scores(), exact);
      }
    }
  }

  private static void same(String what, float[] expected, float[] actual, boolean exact) {
    assertEquals(expected.length, actual.length, what);
    double scale = 0;
    for (float v : expected) {
      scale = Math.max(scale, Math.abs(v));
    }
    double allowed = exact ? 0 : 1e-5 * scale;
    int differ = 0;
    double worst = 0;
    for (int i = 0; i < expected.length; i++) {
      boolean equal = exact ? Float.floatToIntBits(expected[i]) == Float.floatToIntBits(actual[i])
          : Math.abs(expected[i] - actual[i]) <= allowed;
      if (!equal) {
        differ++;
        worst = Math.max(worst, Math.abs(expected[i] - actual[i]));
      }
    }
    assertEquals(0, differ, what + ": " + differ + " of " + expected.length
        + " scores differ from the plain model's (largest difference " + worst + "); first "
        + Arrays.toString(Arrays.copyOf(actual, 3)) + " vs " + Arrays.toString(Arrays.copyOf(expected, 3)));
  }
}
