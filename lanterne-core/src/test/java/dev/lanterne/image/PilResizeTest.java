package dev.lanterne.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.awt.image.BufferedImage;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Expected values are worked out by hand from Pillow's filter definition (triangle of support 1,
 * widened by the downscale factor; centre (i + 0.5) * scale; weights normalised; each pass rounded).
 */
class PilResizeTest {
  private static int rgb(int r, int g, int b) {
    return r << 16 | g << 8 | b;
  }

  @Test
  void downscaleFourToTwoUsesWidenedTriangle() {
    // scale 2, support 2: output 0 has centre 1.0 and reads pixels 0..2 with weights 0.75, 0.75, 0.25
    // (normalised 3/7, 3/7, 1/7); output 1 (centre 3.0) reads pixels 1..3 with 1/7, 3/7, 3/7.
    int[] in = {rgb(0, 10, 255), rgb(70, 20, 0), rgb(140, 30, 255), rgb(210, 40, 0)};
    int[] out = PilResize.resize(in, 4, 1, 2, 1, 0, 0, 4, 1);
    // R: 350/7 = 50, 1120/7 = 160. G: 120/7 = 17.1 -> 17, 230/7 = 32.9 -> 33. B: 1020/7 = 145.7 -> 146, 765/7 = 109.3 -> 109
    assertArrayEquals(new int[] {rgb(50, 17, 146), rgb(160, 33, 109)}, out);
  }

  @Test
  void upscaleTwoToFourInterpolatesLinearly() {
    // scale 0.5, support 1: centres 0.25, 0.75, 1.25, 1.75 give weights (1), (.75, .25), (.25, .75), (1)
    int[] in = {rgb(0, 0, 0), rgb(100, 200, 40)};
    int[] out = PilResize.resize(in, 2, 1, 4, 1, 0, 0, 2, 1);
    assertArrayEquals(new int[] {rgb(0, 0, 0), rgb(25, 50, 10), rgb(75, 150, 30), rgb(100, 200, 40)}, out);
  }

  @Test
  void twoPassesRoundToEightBitsInBetween() {
    // 2x2 -> 1x1 averages with weights 1/2. Rows [0, 1] and [0, 0] become 1 (0.5 rounds up) and 0,
    // then the column (1 + 0) / 2 rounds up to 1, where the exact mean 0.25 would give 0.
    int[] in = {rgb(0, 0, 0), rgb(1, 1, 1), rgb(0, 0, 0), rgb(0, 0, 0)};
    assertArrayEquals(new int[] {rgb(1, 1, 1)}, PilResize.resize(in, 2, 2, 1, 1, 0, 0, 2, 2));
  }

  @Test
  void verticalPassMatchesHorizontal() {
    int[] in = {rgb(0, 10, 255), rgb(70, 20, 0), rgb(140, 30, 255), rgb(210, 40, 0)};
    int[] out = PilResize.resize(in, 1, 4, 1, 2, 0, 0, 1, 4);
    assertArrayEquals(new int[] {rgb(50, 17, 146), rgb(160, 33, 109)}, out);
  }

  @Test
  void identityResizeCopiesPixels() {
    Random random = new Random(1);
    BufferedImage image = RgbConversion.newRgb(7, 5);
    int[] px = RgbConversion.pixels(image);
    for (int i = 0; i < px.length; i++) {
      px[i] = random.nextInt(1 << 24);
    }
    BufferedImage out = PilResize.resize(image, 7, 5);
    assertArrayEquals(px, RgbConversion.pixels(out));
  }

  @Test
  void integerBoxIsACrop() {
    // box (1, 0, 3, 1) at scale 1: centres 1.5 and 2.5 put all weight on pixels 1 and 2
    int[] in = {rgb(1, 2, 3), rgb(4, 5, 6), rgb(7, 8, 9), rgb(10, 11, 12)};
    assertArrayEquals(new int[] {rgb(4, 5, 6), rgb(7, 8, 9)}, PilResize.resize(in, 4, 1, 2, 1, 1, 0, 3, 1));
  }

  @Test
  void fractionalBoxAveragesNeighbours() {
    // box (0.5, 0, 2.5, 1): output 0 has centre 1.0 and weights 0.5, 0.5 on pixels 0 and 1
    int[] in = {rgb(0, 0, 0), rgb(101, 100, 3), rgb(200, 200, 200), rgb(0, 0, 0)};
    int[] out = PilResize.resize(in, 4, 1, 2, 1, 0.5f, 0, 2.5f, 1);
    // 50.5 rounds up to 51, 50 stays 50, 1.5 rounds up to 2
    assertEquals(rgb(51, 50, 2), out[0]);
  }

  @Test
  void boxOutsideTheImageIsRefused() {
    BufferedImage image = RgbConversion.newRgb(4, 4);
    assertThrows(IllegalArgumentException.class, () -> PilResize.resize(image, 2, 2, 0, 0, 5, 4));
  }
}
