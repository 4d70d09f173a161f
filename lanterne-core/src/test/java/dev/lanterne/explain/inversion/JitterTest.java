package dev.lanterne.explain.inversion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lanterne.testing.RandomArrays;
import java.awt.geom.AffineTransform;
import org.junit.jupiter.api.Test;

class JitterTest {
  @Test
  void rollMatchesItsDefinitionAndIsUndoneExactly() {
    int n = 2;
    int c = 3;
    int h = 5;
    int w = 7;
    float[] x = RandomArrays.uniform(n * c * h * w, 1);
    for (int dy = -6; dy <= 6; dy += 3) {
      for (int dx = -8; dx <= 8; dx += 4) {
        float[] r = Jitter.roll(x, n, c, h, w, dx, dy);
        for (int p = 0; p < n * c; p++) {
          for (int y = 0; y < h; y++) {
            for (int xx = 0; xx < w; xx++) {
              int sy = ((y - dy) % h + h) % h;
              int sx = ((xx - dx) % w + w) % w;
              assertEquals(x[p * h * w + sy * w + sx], r[p * h * w + y * w + xx], 0f);
            }
          }
        }
        assertArrayEquals(x, Jitter.roll(r, n, c, h, w, -dx, -dy), 0f);
      }
    }
  }

  @Test
  void identityWarpKeepsTheImage() {
    float[] x = RandomArrays.uniform(3 * 6 * 9, 2);
    float[] y = Jitter.warp(x, 1, 3, 6, 9, Jitter.transform(6, 9, 1f, 0f, 0f, 0f));
    assertArrayEquals(x, y, 1e-5f);
  }

  @Test
  void translationWarpMovesInteriorPixelsAndMirrorsAtTheBorder() {
    int h = 6;
    int w = 8;
    float[] x = RandomArrays.uniform(h * w, 3);
    float[] y = Jitter.warp(x, 1, 1, h, w, AffineTransform.getTranslateInstance(2, 1));
    for (int r = 0; r < h; r++) {
      for (int c = 0; c < w; c++) {
        // content moves by (+2, +1): out(c, r) = in(c - 2, r - 1), mirrored without repeating the edge
        int sr = Jitter.reflect(r - 1, h);
        int sc = Jitter.reflect(c - 2, w);
        assertEquals(x[sr * w + sc], y[r * w + c], 1e-5f);
      }
    }
    assertEquals(1, Jitter.reflect(-1, 5));
    assertEquals(3, Jitter.reflect(5, 5));
  }

  @Test
  void rotationByNinetyDegreesAboutTheCentreOfASquareIsAPermutation() {
    int s = 5;
    float[] x = RandomArrays.uniform(s * s, 4);
    float[] y = Jitter.warp(x, 1, 1, s, s, Jitter.transform(s, s, 1f, (float) (Math.PI / 2), 0f, 0f));
    // a point p maps to R p about the centre (2,2): (x, y) -> (2 - (y - 2), 2 + (x - 2)), so out(4 - y', x') ...
    for (int r = 0; r < s; r++) {
      for (int c = 0; c < s; c++) {
        // inverse map of the output pixel (c, r): rotate by -90 degrees about the centre
        int sc = 2 + (r - 2);
        int sr = 2 - (c - 2);
        assertEquals(x[sr * s + sc], y[r * s + c], 1e-4f);
      }
    }
  }
}
