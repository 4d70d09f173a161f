package dev.lanterne.explain.inversion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanterne.image.PilResize;
import dev.lanterne.testing.RandomArrays;
import java.awt.image.BufferedImage;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ResizeTest {
  @Test
  void transposeIsTheAdjoint() {
    // <A x, y> = <x, A^T y> for up- and downscaling, which is what makes octave gradients exact
    for (int[] s : new int[][] {{9, 11, 20, 17}, {20, 17, 9, 11}, {8, 8, 8, 8}}) {
      Resize r = new Resize(2, s[0], s[1], s[2], s[3]);
      float[] x = RandomArrays.uniform(2 * s[0] * s[1], 1);
      float[] y = RandomArrays.uniform(2 * s[2] * s[3], 2);
      float[] ax = r.apply(x);
      float[] aty = r.transpose(y);
      double left = 0;
      double right = 0;
      for (int i = 0; i < ax.length; i++) {
        left += ax[i] * y[i];
      }
      for (int i = 0; i < x.length; i++) {
        right += x[i] * aty[i];
      }
      assertEquals(left, right, 1e-4 * Math.max(1, Math.abs(left)));
    }
  }

  @Test
  void constantImagesStayConstant() {
    float[] x = new float[3 * 30 * 40];
    java.util.Arrays.fill(x, 0.7f);
    for (float v : new Resize(3, 30, 40, 11, 13).apply(x)) {
      assertEquals(0.7f, v, 1e-6f);
    }
  }

  @Test
  void matchesPilBilinearOnEightBitImages() {
    int w = 37;
    int h = 29;
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    SplittableRandom r = new SplittableRandom(5);
    float[] x = new float[3 * h * w];
    for (int y = 0; y < h; y++) {
      for (int xx = 0; xx < w; xx++) {
        int rgb = r.nextInt(1 << 24);
        img.setRGB(xx, y, rgb);
        for (int c = 0; c < 3; c++) {
          x[c * h * w + y * w + xx] = (rgb >> (16 - 8 * c)) & 0xFF;
        }
      }
    }
    for (int[] size : new int[][] {{13, 11}, {60, 45}}) {
      BufferedImage pil = PilResize.resize(img, size[0], size[1]);
      float[] ours = new Resize(3, h, w, size[1], size[0]).apply(x);
      double worst = 0;
      for (int y = 0; y < size[1]; y++) {
        for (int xx = 0; xx < size[0]; xx++) {
          int rgb = pil.getRGB(xx, y);
          for (int c = 0; c < 3; c++) {
            worst = Math.max(worst, Math.abs(((rgb >> (16 - 8 * c)) & 0xFF) - ours[c * size[0] * size[1] + y * size[0] + xx]));
          }
        }
      }
      // PIL rounds each of its two passes to 8 bits
      assertTrue(worst <= 1.01, "largest difference to PIL " + worst);
    }
  }
}
