package dev.lanterne.grad;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanterne.onnx.OnnxModels;
import dev.lanterne.runtime.Classifier;
import dev.lanterne.runtime.GradientModel;
import dev.lanterne.runtime.RuntimeOptions;
import dev.lanterne.testing.SharedData;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The path-integral check on the shared models: the compiled saliency gradient passes, and the same
 * gradient wrong by 1% (relative L2) fails, where the finite-difference checks' float32 noise is
 * several percent. Fewer directions and points than the default, to keep CI short.
 */
class PathIntegralCheckTest {
  /** 17 points instead of the default 33, three directions instead of eight: CI time. */
  private static final GradientCheck.Options FAST = GradientCheck.Options.DEFAULT.withPath(17,
      GradientCheck.Options.DEFAULT.pathSteps(), GradientCheck.Options.DEFAULT.pathTolerance());

  @ParameterizedTest
  @ValueSource(strings = {"torchvision/resnet18", "torchvision/squeezenet1_1", "torchvision/mobilenet_v3_small",
      "zoo/vit_tiny_op17", "zoo/convnext_small_cfg_op17", "zoo/swin_tiny_op13"})
  void compiledGradientPassesAndOnePercentOffFails(String name) {
    Path path = SharedData.root().resolve("models/" + name + ".onnx");
    RuntimeOptions rt = RuntimeOptions.DEFAULT.withThreads(2);
    try (Classifier plain = Classifier.open(path, rt);
        GradientModel compiled = Gradients.saliency(OnnxModels.load(path), GradientOptions.DEFAULT, rt)) {
      int per = FiniteDifferenceGradient.ScoreProbe.imageSize(plain);
      SplittableRandom rnd = new SplittableRandom(3);
      float[] x = new float[per];
      for (int i = 0; i < per; i++) {
        x[i] = (float) rnd.nextGaussian();
      }
      int top = argmax(plain.run(x, 1));
      GradientCheck.Options o = new GradientCheck.Options(3, 2, FAST.directionSteps(), FAST.pixelSteps(),
          FAST.scoreTolerance(), FAST.directionTolerance(), FAST.gridTolerance(), 0, 0, FAST.pathPoints(),
          FAST.pathSteps(), FAST.pathTolerance());
      GradientCheck.Report good = GradientCheck.run(compiled, plain, x, top, o);
      System.out.print(name + "\n" + good.format());
      assertTrue(path(good).passed(), good.format());
      GradientCheck.Report scaled = GradientCheck.run(GradientCheckTest.altered(compiled, g -> {
        for (int i = 0; i < g.length; i++) {
          g[i] *= 1.01f;
        }
        return g;
      }), plain, x, top, o);
      System.out.print(scaled.format());
      assertFalse(path(scaled).passed(), "a gradient 1% too large: " + scaled.format());
    }
  }

  private static GradientCheck.Check path(GradientCheck.Report r) {
    return r.checks().stream().filter(c -> c.name().equals("path integral")).findFirst().orElseThrow();
  }

  private static int argmax(float[] y) {
    int c = 0;
    for (int i = 0; i < y.length; i++) {
      c = y[i] > y[c] ? i : c;
    }
    return c;
  }
}
