package dev.lanterne.explain.attention;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanterne.explain.Explanation;
import dev.lanterne.explain.gradient.Bilinear;
import dev.lanterne.explain.gradient.Scoring;
import dev.lanterne.grad.GradientCompiler;
import dev.lanterne.grad.GradientOptions;
import dev.lanterne.onnx.OnnxModels;
import dev.lanterne.runtime.AttentionModel;
import dev.lanterne.grad.AttentionSession;
import dev.lanterne.runtime.RuntimeOptions;
import dev.lanterne.tensor.Npy;
import dev.lanterne.tensor.Tensor;
import dev.lanterne.testing.SharedData;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Rollout and gradient-weighted rollout on the zoo's ViT against PyTorch (tools/rollout_reference.py:
 * the same weights in torchvision's VisionTransformer, attention recomputed by hand with autograd,
 * rollout written independently in torch): the class token's row over the 14x14 patches within 1e-4
 * relative L2, and the maps at the input size.
 */
class VitRolloutReferenceTest {
  private static final int[][] GRAD_TARGETS = {{0, 462}, {0, 130}, {1, 130}};

  @ParameterizedTest
  @ValueSource(strings = {"vit_tiny_op13", "vit_tiny_op17"})
  void matchesPyTorch(String file) throws Exception {
    Tensor input = Npy.read(SharedData.ref("zoo").resolve("vit_tiny").resolve("input.npy"));
    Tensor plainRef = Npy.read(Path.of(getClass().getResource("/refs/vit_tiny_rollout.npy").toURI()));
    Tensor gradRef = Npy.read(Path.of(getClass().getResource("/refs/vit_tiny_grad_rollout.npy").toURI()));
    Rollout.Grid grid = Rollout.Grid.of(197, 224, 224);
    try (AttentionModel m = new AttentionSession(GradientCompiler.attention(
        OnnxModels.load(SharedData.model("zoo/" + file + ".onnx")), GradientOptions.DEFAULT, true),
        RuntimeOptions.DEFAULT)) {
      float[] seed = new float[3 * 1000];
      float[] x = new float[3 * 3 * 224 * 224];
      int per = 3 * 224 * 224;
      for (int t = 0; t < 3; t++) {
        seed[t * 1000 + GRAD_TARGETS[t][1]] = 1;
        System.arraycopy(input.data(), GRAD_TARGETS[t][0] * per, x, t * per, per);
      }
      AttentionModel.Result r = m.run(x, 3, seed);
      for (int t = 0; t < 3; t++) {
        List<double[]> weighted = new java.util.ArrayList<>();
        List<double[]> fused = new java.util.ArrayList<>();
        for (int b = 0; b < m.blocks(); b++) {
          weighted.add(Rollout.gradientWeighted(r.attention()[b], r.gradients()[b], t, 4, 197));
          fused.add(Rollout.fuse(r.attention()[b], t, 4, 197, Rollout.HeadFusion.MEAN));
        }
        check(file + " grad-rollout " + t, Rollout.patchMap(Rollout.relevance(weighted, 197), 197, grid),
            gradRef.slice(t).data());
        if (t != 1) {
          check(file + " rollout image " + GRAD_TARGETS[t][0], Rollout.patchMap(Rollout.rollout(fused, 197), 197, grid),
              plainRef.slice(GRAD_TARGETS[t][0]).data());
        }
      }
      List<Explanation> maps = new AttentionRollout(m, Scoring.LOGITS).explain(input.data(), 2,
          new int[][] {{462, 130}, {130}}, AttentionRollout.Options.GRADIENT_WEIGHTED);
      for (int t = 0; t < 3; t++) {
        float[] expected = Bilinear.resize(gradRef.slice(t).data(), 14, 14, 224, 224);
        check(file + " grad-rollout map " + t, maps.get(t).map().data(), expected);
      }
    }
  }

  private static void check(String what, float[] got, float[] expected) {
    double num = 0;
    double den = 0;
    for (int i = 0; i < got.length; i++) {
      num += (got[i] - (double) expected[i]) * (got[i] - (double) expected[i]);
      den += (double) expected[i] * expected[i];
    }
    double rel = Math.sqrt(num / den);
    System.out.printf("%s: relative L2 %.2e vs PyTorch%n", what, rel);
    assertTrue(got.length == expected.length && rel < 1e-4, what + ": relative L2 " + rel);
  }
}
