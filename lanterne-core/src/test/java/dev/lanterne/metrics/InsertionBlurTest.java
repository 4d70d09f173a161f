package dev.lanterne.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class InsertionBlurTest {
  @Test
  void kernelIsScipysGaussianFilterOfADelta() {
    // scipy 1.17.1: gaussian_filter(delta at [5,5] of 11x11, 5).sum(axis=0)
    double[] scipy = {0.08795815, 0.08889612, 0.0904742, 0.09219112, 0.09348939, 0.09398206, 0.09348939,
        0.09219112, 0.0904742, 0.08889612, 0.08795815};
    float[] k = InsertionBlur.kernel();
    assertEquals(11, k.length);
    for (int i = 0; i < 11; i++) {
      assertEquals(scipy[i], k[i], 1e-7, "tap " + i);
    }
  }

  @Test
  void blurIsTheAuthorsZeroPaddedConvolution() {
    // scipy.signal.correlate2d(x, gkern, mode='same', boundary='fill') for x[y, x] = sin(1.3 y + 0.7 x), 12x13
    int h = 12;
    int w = 13;
    float[] x = new float[h * w];
    for (int y = 0; y < h; y++) {
      for (int i = 0; i < w; i++) {
        x[y * w + i] = (float) Math.sin(y * 1.3 + i * 0.7);
      }
    }
    float[] out = InsertionBlur.blur(x, 1, h, w);
    assertEquals(0.022751686775328357, out[0], 1e-6);
    assertEquals(-0.005891028971419716, out[3 * w + 7], 1e-6);
    assertEquals(0.009143654370038935, out[6 * w + 6], 1e-6);
    assertEquals(0.021644578171069257, out[11 * w + 12], 1e-6);
    assertEquals(0.023722935789742577, out[5 * w], 1e-6);
  }
}
