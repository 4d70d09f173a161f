package dev.lanterne.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.awt.image.BufferedImage;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class OverlayTest {
  @Test
  void tinyMapsStillSpreadOverZeroToOne() {
    // gradients of random-weight networks can be 1e-9: an absolute epsilon would flatten them
    float[] norm = Overlay.normalize(new float[] {1e-9f, 2e-9f, 3e-9f});
    assertArrayEquals(new float[] {0f, 0.5f, 1f}, norm, 1e-6f);
  }

  @Test
  void constantMapsBecomeZero() {
    assertArrayEquals(new float[3], Overlay.normalize(new float[] {5f, 5f, 5f}));
    assertArrayEquals(new float[2], Overlay.normalize(new float[] {0f, 0f}));
  }

  @Test
  void opacityBlendsImageAndColour() {
    BufferedImage image = RgbConversion.newRgb(2, 1);
    Arrays.fill(RgbConversion.pixels(image), 0x204060);
    float[] map = {0f, 1f};
    int low = ColorMap.GRAY.rgb(0f);
    int high = ColorMap.GRAY.rgb(1f);
    assertEquals(0x000000, low);
    assertEquals(0xFFFFFF, high);
    assertArrayEquals(new int[] {0x204060, 0x204060},
        RgbConversion.pixels(Overlay.blend(image, map, 2, 1, ColorMap.GRAY, 0f)));
    assertArrayEquals(new int[] {low, high}, RgbConversion.pixels(Overlay.blend(image, map, 2, 1, ColorMap.GRAY, 1f)));
    // half way: (0x20 + 0x00) / 2 = 0x10 and (0x20 + 0xFF) / 2 = 0x8F.8 -> 0x90
    int[] half = RgbConversion.pixels(Overlay.blend(image, map, 2, 1, ColorMap.GRAY, 0.5f));
    assertArrayEquals(new int[] {0x102030, 0x90A0B0}, half);
  }

  @Test
  void smallerMapsAreResizedToTheImage() {
    BufferedImage image = RgbConversion.newRgb(4, 4);
    BufferedImage out = Overlay.blend(image, new float[] {0f, 1f, 1f, 0f}, 2, 2, ColorMap.JET, 1f);
    assertEquals(4, out.getWidth());
    assertEquals(ColorMap.JET.rgb(0f), RgbConversion.pixels(out)[0]);
  }
}
