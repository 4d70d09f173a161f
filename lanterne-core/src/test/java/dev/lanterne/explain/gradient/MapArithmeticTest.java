package dev.lanterne.explain.gradient;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lanterne.explain.Explanation;
import dev.lanterne.runtime.CamModel;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Bilinear resizing, channel reductions and CAM weightings against hand-computed small cases. */
class MapArithmeticTest {
  @Test
  void bilinearUpsamplesLikeTorchWithoutAlignedCorners() {
    // torch.nn.functional.interpolate(tensor([[[[0,1],[2,3]]]]), size=(4,4), mode="bilinear", align_corners=False)
    float[] out = Bilinear.resize(new float[] {0, 1, 2, 3}, 2, 2, 4, 4);
    assertArrayEquals(new float[] {
        0.0f, 0.25f, 0.75f, 1.0f,
        0.5f, 0.75f, 1.25f, 1.5f,
        1.5f, 1.75f, 2.25f, 2.5f,
        2.0f, 2.25f, 2.75f, 3.0f}, out, 1e-6f);
  }

  @Test
  void bilinearNonIntegerRatioAndDownsampling() {
    // 3 -> 5: source positions max(0, (i + 0.5) * 0.6 - 0.5) = 0, 0.4, 1.0, 1.6, 2.2 (last clamps to the edge)
    assertArrayEquals(new float[] {0, 4, 10, 16, 20}, Bilinear.resize(new float[] {0, 10, 20}, 1, 3, 1, 5), 1e-5f);
    // 4 -> 2: positions 0.5 and 2.5, the means of neighbouring pairs
    assertArrayEquals(new float[] {1, 5}, Bilinear.resize(new float[] {0, 2, 4, 6}, 4, 1, 2, 1), 1e-6f);
    // 1x1 -> constant
    assertArrayEquals(new float[] {7, 7, 7, 7, 7, 7}, Bilinear.resize(new float[] {7}, 1, 1, 2, 3), 0f);
  }

  @Test
  void channelReductions() {
    // two pixels, three channels: pixel 0 = (1, -3, 2), pixel 1 = (-4, 0, 3)
    float[] v = {1, -4, -3, 0, 2, 3};
    assertArrayEquals(new float[] {3, 4}, ChannelReduction.MAX.reduce(v, 0, 3, 2, false), 0f);
    assertArrayEquals(new float[] {-3, -4}, ChannelReduction.MAX.reduce(v, 0, 3, 2, true), 0f);
    assertArrayEquals(new float[] {6, 7}, ChannelReduction.SUM.reduce(v, 0, 3, 2, false), 0f);
    assertArrayEquals(new float[] {0, -1}, ChannelReduction.SUM.reduce(v, 0, 3, 2, true), 0f);
    assertArrayEquals(new float[] {(float) Math.sqrt(14), 5}, ChannelReduction.L2.reduce(v, 0, 3, 2, false), 1e-6f);
  }

  /** One image, two channels of 2x2; A and dA chosen by hand. */
  private static final float[] A = {1, 2, 0, 1, /* channel 1 */ 0.5f, 0, 1, 0.5f};
  private static final float[] DA = {0.5f, -0.5f, 1, 0, /* channel 1 */ 0.25f, 0.25f, 0.25f, 0.25f};

  private static CamModel fixedCam() {
    return new CamModel() {
      @Override
      public int[] inputShape() {
        return new int[] {3, 4, 4};
      }

      @Override
      public int numClasses() {
        return 2;
      }

      @Override
      public String layer() {
        return "fixed";
      }

      @Override
      public Result run(float[] x, int n, float[] seed) {
        return new Result(new float[] {0.3f, 1.1f}, A.clone(), DA.clone(), new int[] {1, 2, 2, 2});
      }

      @Override
      public void close() {}
    };
  }

  @Test
  void gradCamWeightsAreMeanGradients() {
    // w0 = mean(0.5, -0.5, 1, 0) = 0.25, w1 = 0.25; cam = ReLU(0.25 A0 + 0.25 A1) = (0.375, 0.5, 0.25, 0.375)
    List<Explanation> e = new GradCam(fixedCam(), Scoring.LOGITS).explain(new float[48], 1, new int[][] {{1}},
        CamMethod.Options.DEFAULT);
    float[] low = Bilinear.resize(new float[] {0.375f, 0.5f, 0.25f, 0.375f}, 2, 2, 4, 4);
    assertArrayEquals(low, e.get(0).map().data(), 1e-6f);
    assertEquals(1.1f, e.get(0).score());
  }

  @Test
  void gradCamPlusPlusFollowsPytorchGradCamFormula() {
    // pytorch-grad-cam: a = g^2 / (2 g^2 + S g^3 + eps), 0 where g == 0; w = sum(a * relu(g))
    float[] w = new GradCamPlusPlus(fixedCam(), Scoring.LOGITS).weights(A, DA, 0, 2, 4);
    double s0 = 4;
    double w0 = 0;
    for (double g : new double[] {0.5, -0.5, 1, 0}) {
      if (g != 0) {
        w0 += g * g / (2 * g * g + s0 * g * g * g + 1e-6) * Math.max(g, 0);
      }
    }
    double s1 = 2;
    double g1 = 0.25;
    double w1 = 4 * g1 * g1 / (2 * g1 * g1 + s1 * g1 * g1 * g1 + 1e-6) * g1;
    assertEquals(w0, w[0], 1e-5);
    assertEquals(w1, w[1], 1e-5);
  }

  @Test
  void guidedGradCamMultipliesGuidedGradientByTheCam() {
    float[] g = new float[48];
    for (int i = 0; i < 48; i++) {
      g[i] = (i % 7) - 3;
    }
    dev.lanterne.runtime.GradientModel guided = new dev.lanterne.runtime.GradientModel() {
      @Override
      public int[] inputShape() {
        return new int[] {3, 4, 4};
      }

      @Override
      public int numClasses() {
        return 2;
      }

      @Override
      public Result gradient(float[] x, int n, float[] seed) {
        return new Result(new float[] {0.3f, 1.1f}, g.clone());
      }

      @Override
      public void close() {}
    };
    Explanation e = new GuidedGradCam(fixedCam(), guided, Scoring.LOGITS)
        .explain(new float[48], 1, new int[][] {{1}}, CamMethod.Options.DEFAULT).get(0);
    float[] cam = Bilinear.resize(new float[] {0.375f, 0.5f, 0.25f, 0.375f}, 2, 2, 4, 4);
    for (int c = 0; c < 3; c++) {
      for (int p = 0; p < 16; p++) {
        assertEquals(g[c * 16 + p] * cam[p], e.raw().data()[c * 16 + p], 1e-6f);
      }
    }
    assertEquals(3 * cam[0], e.map().data()[0], 1e-6f);
  }

  @Test
  void probabilityModelsReportTheirOutputAsProbability() {
    Scoring probabilities = new Scoring(dev.lanterne.model.Labels.of(List.of("a", "b")), true);
    Explanation p = probabilities.explanation(0, "m", 1, new float[] {0.25f, 0.75f}, 0, 2, null, null, null);
    assertEquals(0.75f, p.score());
    assertEquals(0.75f, p.probability());
    assertEquals("b", p.label());
    Explanation l = Scoring.LOGITS.explanation(0, "m", 1, new float[] {0f, (float) Math.log(3)}, 0, 2, null, null,
        null);
    assertEquals(0.75f, l.probability(), 1e-6f);
  }
}
