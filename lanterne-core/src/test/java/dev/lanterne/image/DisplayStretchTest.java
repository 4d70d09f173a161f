package dev.lanterne.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

class DisplayStretchTest {
  @Test
  void percentilesBecomeBlackAndWhite() {
    // 100 grey pixels 100..199: 300 channel values; the 1st percentile is rank 3 (value 100), the
    // 99th is rank 297 (value 198)
    BufferedImage img = RgbConversion.newRgb(10, 10);
    int[] px = RgbConversion.pixels(img);
    for (int i = 0; i < 100; i++) {
      int v = 100 + i;
      px[i] = v << 16 | v << 8 | v;
    }
    DisplayStretch.Stretched s = DisplayStretch.percentile(img);
    assertEquals(100, s.low());
    assertEquals(198, s.high());
    int[] out = RgbConversion.pixels(s.image());
    assertEquals(0, out[0] & 0xFF);
    // 149 -> (149 - 100) * 255 / 98 = 127.5 -> 128
    assertEquals(128, out[49] & 0xFF);
    assertEquals(255, out[98] & 0xFF);
    assertEquals(255, out[99] & 0xFF, "above the 99th percentile saturates");
    assertEquals("display: 1-99% stretch [100, 198]", s.caption());
  }

  @Test
  void channelsShareOneStretchAndFlatPicturesStayAsTheyAre() {
    BufferedImage img = RgbConversion.newRgb(2, 1);
    RgbConversion.pixels(img)[0] = 0x506070;
    RgbConversion.pixels(img)[1] = 0x607080;
    DisplayStretch.Stretched s = DisplayStretch.percentile(img, 0, 100);
    assertEquals(0x50, s.low());
    assertEquals(0x80, s.high());
    // pooled over channels: red 0x50 -> 0, blue 0x80 -> 255, green 0x60 -> 16 * 255 / 48 = 85
    assertEquals(0x005500 | 0xAA, RgbConversion.pixels(s.image())[0]);
    BufferedImage flat = RgbConversion.newRgb(3, 3);
    java.util.Arrays.fill(RgbConversion.pixels(flat), 0x777777);
    assertEquals(0x777777, RgbConversion.pixels(DisplayStretch.percentile(flat).image())[4]);
    assertThrows(IllegalArgumentException.class, () -> DisplayStretch.percentile(flat, 50, 10));
  }
}
