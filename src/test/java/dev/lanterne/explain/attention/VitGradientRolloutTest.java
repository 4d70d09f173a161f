package dev.lanterne.explain.attention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanterne.explain.Explanation;
import dev.lanterne.explain.gradient.Scoring;
import dev.lanterne.grad.GradientCompiler;
import dev.lanterne.grad.GradientOptions;
import dev.lanterne.onnx.OnnxModels;
import dev.lanterne.runtime.AttentionModel;
import dev.lanterne.runtime.AttentionSession;
import dev.lanterne.runtime.RuntimeOptions;
import dev.lanterne.tensor.Npy;
import dev.lanterne.tensor.Tensor;
import dev.lanterne.testing.SharedData;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Gradient-weighted rollout on the zoo's ViT: the two exports of the same weights (opset 13 with its
 * layer norms decomposed and its shapes computed at run time, opset 17 with LayerNormalization) give
 * the same maps, and the maps depend on the class explained.
 */
class VitGradientRolloutTest {
  @Test
  void sameMapsFromBothExports() {
    Tensor input = Npy.read(SharedData.ref("zoo").resolve("vit_tiny").resolve("input.npy"));
    int[][] classes = {{462, 130}, {130}};
    List<Explanation> op13 = run("vit_tiny_op13", input, classes);
    List<Explanation> op17 = run("vit_tiny_op17", input, classes);
    assertEquals(3, op13.size());
    for (int i = 0; i < op13.size(); i++) {
      double r = pearson(op13.get(i).map().data(), op17.get(i).map().data());
      System.out.printf("grad-rollout map %d: op13 vs op17 Pearson %.7f%n", i, r);
      assertTrue(r > 0.9999, "map " + i + " correlation " + r);
    }
    double classes01 = pearson(op13.get(0).map().data(), op13.get(1).map().data());
    assertTrue(classes01 < 0.999, "maps of classes 462 and 130 correlate " + classes01);
  }

  private static List<Explanation> run(String file, Tensor input, int[][] classes) {
    try (AttentionModel m = new AttentionSession(GradientCompiler.attention(
        OnnxModels.load(SharedData.model("zoo/" + file + ".onnx")), GradientOptions.DEFAULT, true),
        RuntimeOptions.DEFAULT)) {
      return new AttentionRollout(m, Scoring.LOGITS).explain(input.data(), 2, classes,
          AttentionRollout.Options.GRADIENT_WEIGHTED);
    }
  }

  private static double pearson(float[] a, float[] b) {
    double ma = 0;
    double mb = 0;
    for (int i = 0; i < a.length; i++) {
      ma += a[i];
      mb += b[i];
    }
    ma /= a.length;
    mb /= b.length;
    double sab = 0;
    double saa = 0;
    double sbb = 0;
    for (int i = 0; i < a.length; i++) {
      sab += (a[i] - ma) * (b[i] - mb);
      saa += (a[i] - ma) * (a[i] - ma);
      sbb += (b[i] - mb) * (b[i] - mb);
    }
    return sab / Math.sqrt(saa * sbb);
  }
}
