package dev.lanterne.explain.surrogate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanterne.explain.Explanation;
import dev.lanterne.explain.LanternModel;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Extremal perturbation's mask covers the region a linear model reads; its mask gradient is right. */
class ExtremalPerturbationTest {
  @TempDir
  Path dir;

  @Test
  void maskCoversTheRegionTheModelReads() {
    // the block straddles the vertical axis, so the flip jitter sees the same region
    int by = 8;
    int bx = 12;
    try (LanternModel model = BlockModel.open(dir, by, bx, 0.3f)) {
      float[] pixels = new float[3 * BlockModel.PLANE];
      SplittableRandom r = new SplittableRandom(2);
      for (int c = 0; c < 3; c++) {
        for (int y = 0; y < 32; y++) {
          for (int x = 0; x < 32; x++) {
            boolean in = y >= by && y < by + 8 && x >= bx && x < bx + 8;
            pixels[c * BlockModel.PLANE + y * 32 + x] = (float) (in ? 0.9 : 0.1 + 0.3 * r.nextDouble());
          }
        }
      }
      ExtremalOptions o = ExtremalOptions.DEFAULTS.withSmoothing(2, 4).withArea(0.05).withIterations(300)
          .withBlurSigma(6);
      Explanation e = new ExtremalPerturbation(model, o).attribute(BlockModel.images(model, pixels),
          new int[][] {{0}}).get(0);
      float[] m = e.map().data();
      double in = 0;
      double far = 0;
      int nIn = 0;
      int nFar = 0;
      for (int y = 0; y < 32; y++) {
        for (int x = 0; x < 32; x++) {
          if (y >= by && y < by + 8 && x >= bx && x < bx + 8) {
            in += m[y * 32 + x];
            nIn++;
          } else if (y < by - 4 || y >= by + 12 || x < bx - 4 || x >= bx + 12) {
            far += m[y * 32 + x];
            nFar++;
          }
        }
      }
      in /= nIn;
      far /= nFar;
      assertTrue(in > 0.7, "mean mask on the region " + in);
      assertTrue(far < 0.1, "mean mask far from the region " + far);
    }
  }

  @Test
  void smoothMaskGradientMatchesFiniteDifferences() {
    SmoothMask g = new SmoothMask(12, 10, 3, 5, 20);
    SplittableRandom r = new SplittableRandom(4);
    float[] p = new float[g.parameters()];
    for (int i = 0; i < p.length; i++) {
      p[i] = (float) r.nextDouble(0.1, 0.9);
    }
    float[] probe = new float[g.outH * g.outW];
    for (int i = 0; i < probe.length; i++) {
      probe[i] = (float) r.nextDouble(-1, 1);
    }
    float[] analytic = g.backward(p, probe);
    for (int q = 0; q < p.length; q += 3) {
      float[] a = p.clone();
      float[] b = p.clone();
      float h = 1e-3f;
      a[q] += h;
      b[q] -= h;
      double fa = dot(g.generate(a), probe);
      double fb = dot(g.generate(b), probe);
      double fd = (fa - fb) / (2 * h);
      assertEquals(fd, analytic[q], 2e-2 * Math.max(1, Math.abs(fd)), "parameter " + q);
    }
  }

  @Test
  void areaPenaltyIsZeroForAMaskOfExactlyTheArea() {
    float[] mask = new float[100];
    for (int i = 0; i < 10; i++) {
      mask[i * 7] = 1;
    }
    float[] d = new float[100];
    assertEquals(0, ExtremalPerturbation.areaGradient(mask, 10, 300, d), 1e-12);
    for (float v : d) {
      assertEquals(0, v, 0);
    }
    // all ones with area 10%: 90 of 100 sorted entries off by 1
    java.util.Arrays.fill(mask, 1f);
    assertEquals(300 * 0.9, ExtremalPerturbation.areaGradient(mask, 10, 300, new float[100]), 1e-9);
  }

  private static double dot(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += (double) a[i] * b[i];
    }
    return s;
  }
}
