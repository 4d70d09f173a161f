package dev.lanterne.explain.attention;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanterne.explain.Explanation;
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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Rollout on the zoo's ViT (2 blocks, 4 heads, 197 tokens): the attention maps are found and read in
 * the [N,heads,T,T] layout (every row sums to 1, and an image gives the same maps alone as in a
 * batch, which fails if batch and heads were interleaved the other way), the logits are PyTorch's,
 * and the rollout's rows sum to 1.
 */
class VitRolloutTest {
  @ParameterizedTest
  @ValueSource(strings = {"vit_tiny_op13", "vit_tiny_op17"})
  void rolloutOnVit(String file) {
    Tensor input = Npy.read(SharedData.ref("zoo").resolve("vit_tiny").resolve("input.npy"));
    Tensor logits = Npy.read(SharedData.ref("zoo").resolve("vit_tiny").resolve("logits.npy"));
    try (AttentionModel m = new AttentionSession(GradientCompiler.attention(
        OnnxModels.load(SharedData.model("zoo/" + file + ".onnx")), GradientOptions.DEFAULT, false),
        RuntimeOptions.DEFAULT)) {
      assertEquals(2, m.blocks());
      assertEquals(4, m.heads());
      assertEquals(197, m.tokens());
      float[] seed = new float[2 * 1000];
      AttentionModel.Result both = m.run(input.data(), 2, seed);
      assertArrayEquals(logits.data(), both.scores(), 1e-4f);
      int per = 3 * 224 * 224;
      int block = 4 * 197 * 197;
      for (int n = 0; n < 2; n++) {
        AttentionModel.Result alone = m.run(Arrays.copyOfRange(input.data(), n * per, (n + 1) * per), 1,
            new float[1000]);
        for (int b = 0; b < 2; b++) {
          assertArrayEquals(alone.attention()[b], Arrays.copyOfRange(both.attention()[b], n * block, (n + 1) * block),
              1e-5f, "image " + n + " block " + b + " alone vs in a batch");
          for (int row = 0; row < 4 * 197; row++) {
            double s = 0;
            for (int j = 0; j < 197; j++) {
              s += alone.attention()[b][row * 197 + j];
            }
            assertEquals(1, s, 1e-4, "attention row " + row);
          }
        }
        List<double[]> fused = new ArrayList<>();
        for (float[] a : alone.attention()) {
          fused.add(Rollout.fuse(a, 0, 4, 197, Rollout.HeadFusion.MEAN));
        }
        double[] r = Rollout.rollout(fused, 197);
        for (int i = 0; i < 197; i++) {
          double s = 0;
          for (int j = 0; j < 197; j++) {
            s += r[i * 197 + j];
          }
          assertEquals(1, s, 1e-6, "rollout row " + i);
        }
      }
      List<Explanation> e = new AttentionRollout(m, Scoring.LOGITS).explain(input.data(), 2, new int[][] {{1}, {2}},
          AttentionRollout.Options.ROLLOUT);
      assertEquals(2, e.size());
      for (Explanation x : e) {
        assertEquals(224, x.height());
        float min = Float.MAX_VALUE;
        float max = -Float.MAX_VALUE;
        for (float v : x.map().data()) {
          min = Math.min(min, v);
          max = Math.max(max, v);
        }
        assertTrue(min >= 0 && max > min && max <= 1, "map range " + min + " .. " + max);
      }
    }
  }
}
