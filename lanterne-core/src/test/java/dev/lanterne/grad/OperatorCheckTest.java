package dev.lanterne.grad;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanterne.onnx.OnnxModels;
import dev.lanterne.onnx.proto.Onnx;
import dev.lanterne.runtime.Classifier;
import dev.lanterne.runtime.RuntimeOptions;
import dev.lanterne.testing.SharedData;
import java.nio.file.Path;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The operator check names the rule responsible for a wrong gradient: on the shared models every
 * node's rule agrees with finite differences of its own node, and with one rule made 1% wrong, the
 * whole gradient fails the path-integral check and the operator check fails exactly the nodes of that
 * operator.
 */
class OperatorCheckTest {
  @ParameterizedTest
  @ValueSource(strings = {"torchvision/resnet18", "torchvision/squeezenet1_1", "torchvision/mobilenet_v3_small",
      "zoo/vit_tiny_op17", "zoo/convnext_small_cfg_op17", "zoo/swin_tiny_op13", "zoo/vit_tiny_op13",
      "zoo/convnext_small_cfg_op13", "zoo/swin_tiny_op17", "mobilenetv1-0.25-128", "mobilenetv2-1.0-224-qdq"})
  void everyRuleOfTheSharedModelsAgrees(String name) {
    Onnx.ModelProto model = OnnxModels.load(SharedData.root().resolve("models/" + name + ".onnx"));
    GradientCompiler.Prepared p = GradientCompiler.prepare(model);
    long t0 = System.nanoTime();
    OperatorCheck.Report r = OperatorCheck.run(p, image(p, 3), OperatorCheck.Options.DEFAULT, p.paths().rules(), null);
    System.out.printf("%s: %.1f s%n%s", name, (System.nanoTime() - t0) / 1e9, r.format(10));
    assertTrue(r.nodes().size() > 20, "nodes checked: " + r.nodes().size());
    assertTrue(r.passed(), r.format(10));
  }

  /**
   * One rule scaled by 1.01: the operator check names it. Where it moves the input gradient by 1% or
   * more the whole-model check sees it too; the attention Softmax of a ViT moves it by about 0.5%, which
   * the path-integral check (tolerance 6e-3) does not see and the operator check still names.
   */
  @ParameterizedTest
  @CsvSource({"torchvision/resnet18, Conv, true", "zoo/vit_tiny_op17, LayerNormalization, true",
      "zoo/vit_tiny_op17, Softmax, false"})
  void aRuleOnePercentOffIsNamed(String name, String op, boolean wholeCheckSeesIt) {
    Path path = SharedData.root().resolve("models/" + name + ".onnx");
    Onnx.ModelProto model = OnnxModels.load(path);
    GradientCompiler.Prepared p = GradientCompiler.prepare(model);
    Backprop.RuleLookup correct = p.paths().rules();
    Backprop.RuleLookup faulty = (type, variant) -> {
      GradientRule rule = correct.forOp(type, variant);
      if (!type.equals(op)) {
        return rule;
      }
      return (node, dy, ctx) -> {
        String[] dx = rule.backward(node, dy, ctx);
        for (int k = 0; k < dx.length; k++) {
          if (dx[k] != null) {
            dx[k] = ctx.emit().mul(dx[k], ctx.emit().scalar(1.01f));
          }
        }
        return dx;
      };
    };
    float[] x = image(p, 3);
    OperatorCheck.Report r = OperatorCheck.run(p, x, OperatorCheck.Options.DEFAULT, faulty, null);
    System.out.print(name + " with a faulty " + op + " rule\n" + r.format(5));
    Set<String> failing = new TreeSet<>();
    r.failures().forEach(f -> failing.add(f.operator()));
    assertEquals(Set.of(op), failing, r.format(5));
    long nodesOfOp = r.nodes().stream().filter(n -> n.operator().equals(op)).count();
    assertEquals(nodesOfOp, r.failures().size(), "every " + op + " node fails: " + r.format(50));

    if (!wholeCheckSeesIt) {
      return;
    }
    // the whole gradient compiled with that rule fails the path-integral check
    p.paths().useRules(faulty);
    RuntimeOptions rt = RuntimeOptions.DEFAULT.withThreads(2);
    try (Classifier plain = Classifier.open(path, rt);
        dev.lanterne.runtime.GradientModel compiled = new SaliencySession(GradientCompiler.saliency(p,
            GradientOptions.DEFAULT), rt)) {
      GradientCheck.Options o = GradientCheck.Options.DEFAULT;
      GradientCheck.Options fast = new GradientCheck.Options(3, 2, o.directionSteps(), o.pixelSteps(),
          o.scoreTolerance(), o.directionTolerance(), o.gridTolerance(), 0, 0, 17, o.pathSteps(), o.pathTolerance());
      GradientCheck.Report whole = GradientCheck.run(compiled, plain, x, argmax(plain.run(x, 1)), fast);
      System.out.print(whole.format());
      assertFalse(whole.passed(), whole.format());
    } finally {
      p.paths().useRules(correct);
    }
  }

  /** Ties broken by the fewest float32 steps, order kept: a hand case. */
  @org.junit.jupiter.api.Test
  void distinctMovesTiesUpByOneStep() {
    float[] v = {0f, 1f, 0f, -2f, 0f, 1f, -2f};
    OperatorCheck.distinct(v);
    float up = Math.nextUp(0f);
    org.junit.jupiter.api.Assertions.assertArrayEquals(new float[] {0f, 1f, up, -2f, Math.nextUp(up), Math.nextUp(1f),
        Math.nextUp(-2f)}, v);
  }

  private static float[] image(GradientCompiler.Prepared p, long seed) {
    int n = (int) (p.chw()[0] * p.chw()[1] * p.chw()[2]);
    SplittableRandom rnd = new SplittableRandom(seed);
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = (float) rnd.nextGaussian();
    }
    return x;
  }

  private static int argmax(float[] y) {
    int c = 0;
    for (int i = 0; i < y.length; i++) {
      c = y[i] > y[c] ? i : c;
    }
    return c;
  }
}
