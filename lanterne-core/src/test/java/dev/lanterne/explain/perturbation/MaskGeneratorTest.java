package dev.lanterne.explain.perturbation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class MaskGeneratorTest {
  /**
   * scipy.ndimage.zoom(g, 16/3, order=1, mode='mirror', grid_mode=True)[1:11, 3:13] for the grid
   * below: what skimage's resize(order=1, mode='reflect', anti_aliasing=False) computes (s=3, a
   * 10x10 image, cell 4, upsampled to 16, shift 1 down and 3 right).
   */
  private static final float[] SCIPY = {
      0.693359f, 0.587891f, 0.482422f, 0.376953f, 0.271484f, 0.291992f, 0.438477f, 0.584961f, 0.731445f, 0.877930f,
      0.822266f, 0.646484f, 0.470703f, 0.294922f, 0.119141f, 0.122070f, 0.303711f, 0.485352f, 0.666992f, 0.848633f,
      0.736328f, 0.607422f, 0.478516f, 0.349609f, 0.220703f, 0.235352f, 0.393555f, 0.551758f, 0.709961f, 0.868164f,
      0.607422f, 0.548828f, 0.490234f, 0.431641f, 0.373047f, 0.405273f, 0.528320f, 0.651367f, 0.774414f, 0.897461f,
      0.478516f, 0.490234f, 0.501953f, 0.513672f, 0.525391f, 0.575195f, 0.663086f, 0.750977f, 0.838867f, 0.926758f,
      0.349609f, 0.431641f, 0.513672f, 0.595703f, 0.677734f, 0.745117f, 0.797852f, 0.850586f, 0.903320f, 0.956055f,
      0.220703f, 0.373047f, 0.525391f, 0.677734f, 0.830078f, 0.915039f, 0.932617f, 0.950195f, 0.967773f, 0.985352f,
      0.141602f, 0.311523f, 0.481445f, 0.651367f, 0.821289f, 0.915039f, 0.932617f, 0.950195f, 0.967773f, 0.985352f,
      0.112305f, 0.247070f, 0.381836f, 0.516602f, 0.651367f, 0.745117f, 0.797852f, 0.850586f, 0.903320f, 0.956055f,
      0.083008f, 0.182617f, 0.282227f, 0.381836f, 0.481445f, 0.575195f, 0.663086f, 0.750977f, 0.838867f, 0.926758f};

  @Test
  void upsamplingMatchesScipyZoomOfTheAuthorsCode() {
    float[] grid = {1, 0, 1, 0, 1, 1, 0, 0, 1};
    // the grid above at shift 1 down and 3 right, through the horizontal pass and the masks' expansion
    MaskGenerator fixed = new UpsampledMasks(10, 10, 3, 3) {
      @Override
      public int fillLines(long index, SplittableRandom rng, float[][] lines) {
        upsampler.lines(grid, 3, lines);
        return 1;
      }
    };
    float[] out = new float[100];
    fixed.fill(0, new SplittableRandom(0), out, 0);
    assertArrayEquals(SCIPY, out, 1e-5f);
  }

  @Test
  void binaryGridMasksAverageToP() {
    MaskGenerator g = new BinaryGridMasks(24, 20, 5, 0.3);
    double mean = empiricalMean(g, 24 * 20, 3000);
    assertEquals(0.3, g.meanValue());
    assertEquals(0.3, mean, 0.01);
  }

  @Test
  void sameSeedAndIndexGiveTheSameMask() {
    MaskGenerator g = new BinaryGridMasks(16, 16, 4, 0.5);
    float[] a = new float[256];
    float[] b = new float[256];
    g.fill(17, MaskSeeds.forMask(1, 17), a, 0);
    g.fill(17, MaskSeeds.forMask(1, 17), b, 0);
    assertArrayEquals(a, b);
    g.fill(18, MaskSeeds.forMask(1, 18), b, 0);
    assertNotEquals(Arrays.toString(a), Arrays.toString(b));
  }

  @Test
  void verticalStripesAreConstantDownEachColumnAndAverageToP() {
    MaskGenerator g = MaskType.VERTICAL_STRIPES.create(12, 20, 4, 0.6);
    float[] m = new float[240];
    boolean varies = false;
    for (int i = 0; i < 20; i++) {
      g.fill(i, MaskSeeds.forMask(0, i), m, 0);
      for (int y = 1; y < 12; y++) {
        assertArrayEquals(Arrays.copyOfRange(m, 0, 20), Arrays.copyOfRange(m, y * 20, y * 20 + 20));
      }
      varies |= m[0] != m[19];
    }
    assertTrue(varies);
    assertEquals(0.6, empiricalMean(g, 240, 3000), 0.015);
  }

  @Test
  void horizontalStripesAreConstantAlongEachRow() {
    MaskGenerator g = MaskType.HORIZONTAL_STRIPES.create(12, 20, 4, 0.5);
    float[] m = new float[240];
    for (int i = 0; i < 20; i++) {
      g.fill(i, MaskSeeds.forMask(0, i), m, 0);
      for (int y = 0; y < 12; y++) {
        for (int x = 1; x < 20; x++) {
          assertEquals(m[y * 20], m[y * 20 + x]);
        }
      }
    }
  }

  @Test
  void gridCellsAreHardIndependentAndAverageToP() {
    MaskGenerator g = MaskType.GRID.create(16, 16, 4, 0.3);
    float[] m = new float[256];
    // E[M(u) M(v)] for u, v two cells apart: p^2 when cells are drawn independently (a fixed
    // checkerboard at a random offset gives p = 1/2 there: the same colour every second cell)
    double joint = 0;
    double near = 0;
    int n = 6000;
    for (int i = 0; i < n; i++) {
      g.fill(i, MaskSeeds.forMask(2, i), m, 0);
      for (float v : m) {
        assertTrue(v == 0 || v == 1, "hard cells");
      }
      joint += m[5 * 16 + 2] * m[5 * 16 + 10];
      near += m[5 * 16 + 2] * m[5 * 16 + 3];
    }
    assertEquals(0.09, joint / n, 0.015, "pixels two cells apart are independent");
    // neighbours share a cell unless a cell edge falls between them (1 phase in 4): 0.75 p + 0.25 p^2
    assertEquals(0.75 * 0.3 + 0.25 * 0.09, near / n, 0.02, "neighbours mostly share a cell");
    assertEquals(0.3, g.meanValue(), 0);
    assertEquals(0.3, empiricalMean(g, 256, 4000), 0.01);
    // every pixel, not just on average: no position is favoured by the phase
    assertTrue(maxPixelDeviation(g, 256, 4000, 0.3) < 0.04);
  }

  @Test
  void gridScaleNoiseIsSmoothAndPixelNoiseIsNot() {
    MaskGenerator grid = MaskType.NOISE.create(16, 16, 4, 0.5);
    MaskGenerator pixel = MaskType.PIXEL_NOISE.create(16, 16, 4, 0.5);
    assertEquals(pixel.meanValue(), grid.meanValue(), 1e-12);
    assertEquals(grid.meanValue(), empiricalMean(grid, 256, 4000), 0.005);
    assertEquals(pixel.meanValue(), empiricalMean(pixel, 256, 2000), 0.005);
    // correlation of horizontal neighbours: close to 1 for upsampled noise, 0 for white noise
    assertTrue(neighbourCorrelation(grid) > 0.8, "grid noise correlation " + neighbourCorrelation(grid));
    assertEquals(0, neighbourCorrelation(pixel), 0.05);
  }

  private static double neighbourCorrelation(MaskGenerator g) {
    float[] m = new float[256];
    double sa = 0;
    double sb = 0;
    double sab = 0;
    double saa = 0;
    double sbb = 0;
    int n = 0;
    for (int i = 0; i < 2000; i++) {
      g.fill(i, MaskSeeds.forMask(3, i), m, 0);
      for (int y = 0; y < 16; y++) {
        for (int x = 0; x + 1 < 16; x++) {
          double a = m[y * 16 + x];
          double b = m[y * 16 + x + 1];
          sa += a;
          sb += b;
          sab += a * b;
          saa += a * a;
          sbb += b * b;
          n++;
        }
      }
    }
    double cov = sab / n - sa / n * sb / n;
    return cov / Math.sqrt((saa / n - sa / n * sa / n) * (sbb / n - sb / n * sb / n));
  }

  private static double maxPixelDeviation(MaskGenerator g, int size, int n, double p) {
    float[] m = new float[size];
    double[] sum = new double[size];
    for (int i = 0; i < n; i++) {
      g.fill(i, MaskSeeds.forMask(9, i), m, 0);
      for (int u = 0; u < size; u++) {
        sum[u] += m[u];
      }
    }
    double worst = 0;
    for (double s : sum) {
      worst = Math.max(worst, Math.abs(s / n - p));
    }
    return worst;
  }

  @Test
  void clippedNoiseReportsItsTrueMean() {
    MaskGenerator g = MaskType.NOISE.create(8, 8, 2, 0.8);
    // clipping at 1 pulls the mean below p: 0.8 - 0.25 (phi(0.8) - 0.8 (1 - Phi(0.8))) = 0.76995
    assertEquals(0.76995, g.meanValue(), 1e-4);
    assertEquals(g.meanValue(), empiricalMean(g, 64, 5000), 0.003);
  }

  @Test
  void maskSheetTilesAreTheRunsMasks() {
    MaskGenerator g = new BinaryGridMasks(12, 10, 3, 0.5);
    java.awt.image.BufferedImage sheet = MaskSheet.render(g, 4, 5, 12, 10, 2);
    assertEquals(2 * 10 + 2, sheet.getWidth());
    assertEquals(3 * 12 + 2 * 2, sheet.getHeight());
    float[] m = new float[120];
    g.fill(3, MaskSeeds.forMask(4, 3), m, 0);
    // mask 3 is the second tile of the second row
    for (int y = 0; y < 12; y++) {
      for (int x = 0; x < 10; x++) {
        assertEquals(Math.round(m[y * 10 + x] * 255), sheet.getRaster().getSample(12 + x, 14 + y, 0));
      }
    }
  }

  private static double empiricalMean(MaskGenerator g, int size, int n) {
    float[] m = new float[size];
    double sum = 0;
    for (int i = 0; i < n; i++) {
      g.fill(i, MaskSeeds.forMask(7, i), m, 0);
      for (float v : m) {
        assertTrue(v >= 0 && v <= 1);
        sum += v;
      }
    }
    return sum / ((double) n * size);
  }
}
