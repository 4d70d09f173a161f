package dev.lanterne.explain.perturbation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class GaussianBlurTest {
  @Test
  void matchesDirectTwoDimensionalConvolution() {
    int c = 2;
    int h = 9;
    int w = 13;
    float[] x = new float[c * h * w];
    SplittableRandom r = new SplittableRandom(1);
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) r.nextDouble();
    }
    for (double sigma : new double[] {0.7, 1.5, 5.0}) {
      float[] got = GaussianBlur.blur(x, c, h, w, sigma);
      int rad = (int) Math.ceil(4 * sigma);
      for (int ch = 0; ch < c; ch++) {
        for (int y = 0; y < h; y++) {
          for (int xx = 0; xx < w; xx++) {
            double sum = 0;
            double norm = 0;
            for (int dy = -rad; dy <= rad; dy++) {
              for (int dx = -rad; dx <= rad; dx++) {
                double k = Math.exp(-(dx * dx + dy * dy) / (2 * sigma * sigma));
                sum += k * x[(ch * h + fold(y + dy, h)) * w + fold(xx + dx, w)];
                norm += k;
              }
            }
            assertEquals(sum / norm, got[(ch * h + y) * w + xx], 1e-5, "sigma " + sigma + " at " + y + "," + xx);
          }
        }
      }
    }
  }

  @Test
  void constantImageStaysConstant() {
    float[] x = new float[3 * 5 * 7];
    java.util.Arrays.fill(x, 0.25f);
    for (float v : GaussianBlur.blur(x, 3, 5, 7, 20)) {
      assertEquals(0.25f, v, 1e-6f);
    }
  }

  /** Mirror about the edge pixel, d c b | a b c d | c b a, folding again when far outside. */
  private static int fold(int i, int n) {
    while (i < 0 || i >= n) {
      i = i < 0 ? -i : 2 * (n - 1) - i;
    }
    return i;
  }
}
