package dev.lanterne.explain.gradient;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanterne.explain.Explanation;
import dev.lanterne.explain.LanternModel;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CAM family's weighting rules against hand-computed values: closed forms on small tensors for
 * the rules that are pure functions of A and dA, a hand-built model where each class reads one channel
 * for the rules that run the model (Score-CAM, Ablation-CAM) and for the options, and EigenCAM's
 * component against an SVD computed here by one-sided Jacobi rotations.
 */
class CamFamilyTest {
  private static final float SIGMOID_2 = (float) (1 / (1 + Math.exp(-2)));

  @TempDir
  Path dir;

  @Test
  void xgradCamWeightsAreActivationWeightedGradients() {
    // channel 0: A = (1, 3), dA = (0.5, 1): (0.5 + 3) / 4; channel 1: A sums to 0, weight 0
    float[] a = {1, 3, 2, -2};
    float[] g = {0.5f, 1, 1, 1};
    assertArrayEquals(new float[] {0.875f, 0f}, XGradCam.weightsOf(a, g, 0, 2, 2), 1e-7f);
  }

  @Test
  void hiResAndLayerCamMultiplyElementWise() {
    float[] a = {1, 2, 3, 4, 0.5f, -1, 2, 1};
    float[] g = {0, 0, 0, 0, 1, -2, 0.5f, -1};
    // the second image of the batch: offset 4, 2 channels of 2 positions
    CamMethod.LayerValues v = new CamMethod.LayerValues(a, g, 4, 2, 1, 2, new float[0], 0, 0, 0f);
    assertArrayEquals(new float[] {0.5f, 2f, 1f, -1f}, new HiResCam(null, Scoring.LOGITS).contributions(v), 0f);
    assertArrayEquals(new float[] {0.5f, 0f, 1f, 0f}, new LayerCam(null, Scoring.LOGITS).contributions(v), 0f);
  }

  @Test
  void eigenCamIsTheFirstPrincipalComponentOfAnSvd() {
    SplittableRandom r = new SplittableRandom(11);
    for (int[] shape : new int[][] {{5, 12}, {9, 4}}) {
      int channels = shape[0];
      int plane = shape[1];
      float[] values = new float[channels * plane];
      for (int i = 0; i < values.length; i++) {
        values[i] = (float) r.nextDouble(-1, 2);
      }
      float[] expected = svdProjection(values, channels, plane);
      float[] got = PrincipalComponent.projection(values, channels, plane);
      assertArrayEquals(expected, got, 1e-4f, channels + "x" + plane);
    }
  }

  @Test
  void scoreCamWeightsAreTheClassProbabilityOfEachMaskedInput() {
    try (LanternModel model = ChannelModel.open(dir, false)) {
      List<Explanation> e = new ScoreCam(model).attribute(ChannelModel.images(model), new int[][] {{0, 1}});
      // the left-half mask keeps only class 0's channel: logits (2, 0); the right half the reverse
      assertArrayEquals(ChannelModel.halves(SIGMOID_2, 1 - SIGMOID_2), e.get(0).map().data(), 1e-6f);
      assertArrayEquals(ChannelModel.halves(1 - SIGMOID_2, SIGMOID_2), e.get(1).map().data(), 1e-6f);
      assertEquals("a", e.get(0).details().get("layer"));
    }
  }

  @Test
  void ablationCamWeightsAreRelativeScoreDrops() {
    try (LanternModel model = ChannelModel.open(dir, false)) {
      List<Explanation> e = new AblationCam(model).attribute(ChannelModel.images(model), new int[][] {{0}});
      // zeroing channel 0 drops y0 from 2 to 0 (weight 1); the other channels leave it at 2 (weight 0)
      assertArrayEquals(ChannelModel.halves(1, 0), e.get(0).map().data(), 1e-6f);
    }
    try (LanternModel model = ChannelModel.open(dir, true)) {
      // the image also reaches the pooling around the layer: y0 = 4 mean(A0 + x0) drops from 4 to 2
      List<Explanation> e = new AblationCam(model, "a").attribute(ChannelModel.images(model), new int[][] {{0}});
      assertArrayEquals(ChannelModel.halves(0.5f, 0), e.get(0).map().data(), 1e-6f);
    }
  }

  @Test
  void eigenSmoothProjectsTheWeightedActivations() {
    try (LanternModel model = ChannelModel.open(dir, false)) {
      CamMethod.Options eigen = CamMethod.Options.DEFAULT.withEigenSmooth(true);
      List<Explanation> e = new GradCam(model, null, eigen).attribute(ChannelModel.images(model), new int[][] {{0}});
      // Grad-CAM's contributions are 0.25 A0 (rank one): centred, +-0.125; the ReLU keeps the left half
      assertArrayEquals(ChannelModel.halves(0.125f, 0), e.get(0).map().data(), 1e-6f);
    }
  }

  @Test
  void eigenCamSignFollowsTheActivation() {
    try (LanternModel model = ChannelModel.open(dir, false)) {
      float[] x = ChannelModel.image();
      for (int i = ChannelModel.SIDE * ChannelModel.SIDE; i < 2 * ChannelModel.SIDE * ChannelModel.SIDE; i++) {
        x[i] *= 0.5f;
      }
      List<Explanation> e = new EigenCam(model).attribute(model.tensors(x, 1, List.of("x")), new int[][] {{1}});
      // centred A0 = +-0.5, A1 = -+0.25: component (2, -1)/sqrt(5), projection +-1.25/sqrt(5)
      assertArrayEquals(ChannelModel.halves((float) (1.25 / Math.sqrt(5)), 0), e.get(0).map().data(), 1e-5f);
    }
  }

  @Test
  void augSmoothFlipsEachMapBack() {
    try (LanternModel model = ChannelModel.open(dir, false)) {
      CamMethod.Options aug = CamMethod.Options.DEFAULT.withAugSmooth(true);
      List<Explanation> plain = new GradCam(model).attribute(ChannelModel.images(model), new int[][] {{0}});
      List<Explanation> e = new GradCam(model, null, aug).attribute(ChannelModel.images(model), new int[][] {{0}});
      assertArrayEquals(ChannelModel.halves(0.25f, 0), plain.get(0).map().data(), 1e-7f);
      // six augmentations, each normalised to (1 left, 0 right) once flipped back; unflipped would give 0.5
      assertArrayEquals(ChannelModel.halves(1, 0), e.get(0).map().data(), 1e-6f);
      assertEquals(plain.get(0).score(), e.get(0).score(), 0f);
    }
  }

  @Test
  void severalLayersAreAveragedAfterNormalising() {
    try (LanternModel model = ChannelModel.open(dir, false)) {
      CamLayers both = new CamLayers(List.of(new GradCam(model, "a"), new HiResCam(model, "x")));
      List<Explanation> e = both.attribute(ChannelModel.images(model), new int[][] {{1}});
      assertArrayEquals(ChannelModel.halves(0, 1), e.get(0).map().data(), 1e-6f);
      assertEquals("a,x", e.get(0).details().get("layer"));
    }
  }

  /** The centred matrix [plane, channels] projected on its top right singular vector (one-sided Jacobi). */
  private static float[] svdProjection(float[] values, int channels, int plane) {
    double[][] u = new double[plane][channels];
    for (int k = 0; k < channels; k++) {
      double mean = 0;
      for (int p = 0; p < plane; p++) {
        mean += values[k * plane + p];
      }
      mean /= plane;
      for (int p = 0; p < plane; p++) {
        u[p][k] = values[k * plane + p] - mean;
      }
    }
    double[][] x = new double[plane][];
    for (int p = 0; p < plane; p++) {
      x[p] = u[p].clone();
    }
    double[][] v = new double[channels][channels];
    for (int k = 0; k < channels; k++) {
      v[k][k] = 1;
    }
    for (int sweep = 0; sweep < 60; sweep++) {
      for (int i = 0; i < channels; i++) {
        for (int j = i + 1; j < channels; j++) {
          double alpha = 0;
          double beta = 0;
          double gamma = 0;
          for (int p = 0; p < plane; p++) {
            alpha += u[p][i] * u[p][i];
            beta += u[p][j] * u[p][j];
            gamma += u[p][i] * u[p][j];
          }
          if (Math.abs(gamma) < 1e-15) {
            continue;
          }
          double zeta = (beta - alpha) / (2 * gamma);
          double t = Math.signum(zeta == 0 ? 1 : zeta) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
          double c = 1 / Math.sqrt(1 + t * t);
          double s = c * t;
          for (int p = 0; p < plane; p++) {
            double a = u[p][i];
            double b = u[p][j];
            u[p][i] = c * a - s * b;
            u[p][j] = s * a + c * b;
          }
          for (int k = 0; k < channels; k++) {
            double a = v[k][i];
            double b = v[k][j];
            v[k][i] = c * a - s * b;
            v[k][j] = s * a + c * b;
          }
        }
      }
    }
    int top = 0;
    double best = -1;
    for (int k = 0; k < channels; k++) {
      double norm = 0;
      for (int p = 0; p < plane; p++) {
        norm += u[p][k] * u[p][k];
      }
      if (norm > best) {
        best = norm;
        top = k;
      }
    }
    float[] proj = new float[plane];
    double dot = 0;
    for (int p = 0; p < plane; p++) {
      double s = 0;
      double sum = 0;
      for (int k = 0; k < channels; k++) {
        s += x[p][k] * v[k][top];
        sum += values[k * plane + p];
      }
      proj[p] = (float) s;
      dot += s * sum;
    }
    if (dot < 0) {
      for (int p = 0; p < plane; p++) {
        proj[p] = -proj[p];
      }
    }
    assertTrue(Math.abs(dot) > 1e-6, "the test matrix must fix a sign");
    return proj;
  }
}
