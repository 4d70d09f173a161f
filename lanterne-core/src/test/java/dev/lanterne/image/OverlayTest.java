package dev.lanterne.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class OverlayTest {
  private static final Overlay.Style HEAT = Overlay.Style.defaults().withMode(Overlay.Mode.HEAT_MAP).withClipPercent(0);

  @Test
  void signedMapRendersZeroAsTheDivergingMapsWhite() {
    float[] map = {-2f, 0f, 1f, 0.5f};
    for (ColorMap cmap : new ColorMap[] {null, ColorMap.SEISMIC, ColorMap.BWR}) {
      Overlay.Style style = HEAT.withSign(Overlay.Sign.ALL).withColorMap(cmap);
      Overlay.Scale scale = Overlay.scale(style, map);
      // symmetric about zero: the largest magnitude is 2
      assertEquals(-2, scale.low(), 1e-9);
      assertEquals(2, scale.high(), 1e-9);
      int[] px = RgbConversion.pixels(Overlay.render(RgbConversion.newRgb(4, 1), map, 4, 1, style, scale));
      int zero = px[1];
      // matplotlib's 256-entry maps put 0.5 on entry 128 (128/255 along): white within 2 levels
      for (int shift : new int[] {16, 8, 0}) {
        assertTrue(((zero >>> shift) & 0xFF) >= 253, "zero is white, got " + Integer.toHexString(zero));
      }
      assertEquals(style.colors().rgb(0f), px[0], "the most negative value takes the first colour");
      int pos = px[2];
      assertTrue(((pos >>> 16) & 0xFF) > ((pos & 0xFF) + 100), "positive values are red: " + Integer.toHexString(pos));
      assertTrue(((px[0] & 0xFF) > ((px[0] >>> 16) & 0xFF)), "negative values are blue");
    }
    assertTrue(ColorMap.SEISMIC.diverging() && !ColorMap.INFERNO.diverging());
  }

  @Test
  void sharedScaleDrawsHalfAMapCooler() {
    float[] strong = {0f, 0.2f, 1f, 0.4f};
    float[] weak = new float[strong.length];
    for (int i = 0; i < strong.length; i++) {
      weak[i] = strong[i] / 2;
    }
    BufferedImage image = RgbConversion.newRgb(4, 1);
    Overlay.Style style = HEAT.withColorMap(ColorMap.HOT);
    Overlay.Scale shared = Overlay.scale(style, List.of(strong, weak));
    int hotStrong = RgbConversion.pixels(Overlay.render(image, strong, 4, 1, style, shared))[2];
    int hotWeak = RgbConversion.pixels(Overlay.render(image, weak, 4, 1, style, shared))[2];
    // hot at 1 is white, at 0.5 (entry 128) is (1, 0.3, 0): visibly cooler, not the same colour
    assertEquals(0xFFFFFF, hotStrong);
    assertEquals(ColorMap.HOT.rgb(0.5f), hotWeak);
    assertTrue(luminance(hotStrong) - luminance(hotWeak) > 100, "the weak map's peak is much darker");
    assertEquals(0.5f, shared.position(0.5f), 1e-6f);
    // each on its own scale, both peaks look the same: the misleading picture the shared scale avoids
    int ownWeak = RgbConversion.pixels(Overlay.render(image, weak, 4, 1, style, Overlay.scale(style, weak)))[2];
    assertEquals(hotStrong, ownWeak);
  }

  @Test
  void cumulativeSumClippingAsCaptum() {
    double[] v = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    // total 55; 80% of it is 44; cumulative sums 1 3 6 10 15 21 28 36 45: the 9th value, 9
    assertEquals(9, Overlay.cumulativeSumThreshold(v, 20), 0);
    assertEquals(10, Overlay.cumulativeSumThreshold(v, 0), 0);
    // 2% of 55 = 1.1: the threshold is the value where 53.9 is reached, 10
    assertEquals(10, Overlay.cumulativeSumThreshold(v, 2), 0);
    // one outlier with 96% of the mass: a 5% clip puts the threshold on it, a 97% clip below it
    assertEquals(96, Overlay.cumulativeSumThreshold(new double[] {1, 1, 1, 1, 96}, 5), 0);
    assertEquals(1, Overlay.cumulativeSumThreshold(new double[] {1, 1, 1, 1, 96}, 97), 0);
    float[] map = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    Overlay.Scale s = Overlay.scale(HEAT.withClipPercent(20).withOrigin(Overlay.Origin.ZERO), map);
    assertEquals(9, s.high(), 1e-9);
    assertTrue(s.clippedHigh());
    assertEquals(1f, s.position(10f), 0f);
    assertEquals(0.5f, s.position(4.5f), 1e-6f);
  }

  @Test
  void maskedAndAlphaModesScaleTheImage() {
    BufferedImage image = RgbConversion.newRgb(3, 1);
    Arrays.fill(RgbConversion.pixels(image), 0x804020);
    float[] map = {0f, 1f, 2f};
    Overlay.Style masked = HEAT.withMode(Overlay.Mode.MASKED_IMAGE);
    Overlay.Scale scale = Overlay.scale(masked, map);
    int[] m = RgbConversion.pixels(Overlay.render(image, map, 3, 1, masked, scale));
    assertArrayEquals(new int[] {0x000000, 0x402010, 0x804020}, m);
    Overlay.Style alpha = HEAT.withMode(Overlay.Mode.ALPHA_SCALING);
    int[] a = RgbConversion.pixels(Overlay.render(image, map, 3, 1, alpha, scale));
    assertArrayEquals(new int[] {0xFFFFFF, 0xC0A090, 0x804020}, a);
  }

  @Test
  void signsPickThePartShownAndOffsetMapsStartAtTheirMinimum() {
    float[] map = {-4f, -1f, 0f, 2f};
    Overlay.Style neg = HEAT.withSign(Overlay.Sign.NEGATIVE);
    Overlay.Scale s = Overlay.scale(neg, map);
    assertEquals(0f, s.position(2f), 0f, "positive values are not shown");
    assertEquals(1f, s.position(-4f), 0f);
    assertEquals(-4, s.value(1), 1e-9, "the colour bar gives the real (negative) value");
    Overlay.Scale pos = Overlay.scale(HEAT.withSign(Overlay.Sign.POSITIVE), map);
    assertEquals(0f, pos.position(-4f), 0f);
    assertEquals(1f, pos.position(2f), 0f);
    // a RISE-like map far from zero reads from its minimum, a Grad-CAM-like one from zero
    assertEquals(0.8, Overlay.scale(HEAT, new float[] {0.8f, 0.9f, 1f}).low(), 1e-6);
    assertEquals(0, Overlay.scale(HEAT, new float[] {0f, 0.9f, 1f}).low(), 0);
    assertEquals(0, Overlay.scale(HEAT.withOrigin(Overlay.Origin.ZERO), new float[] {0.8f, 1f}).low(), 0);
    // a constant map is drawn as the bottom of the colours, never NaN
    Overlay.Scale flat = Overlay.scale(HEAT, new float[] {0f, 0f});
    assertEquals(0f, flat.position(0f), 0f);
    assertFalse(flat.clippedHigh());
  }

  @Test
  void colourBarShowsTheScaleAndPicturesKeepIt() {
    Overlay.Style style = HEAT.withColorMap(ColorMap.GRAY);
    Overlay.Scale s = new Overlay.Scale(Overlay.Sign.ABSOLUTE_VALUE, 0, 0.044, false, true);
    BufferedImage bar = Overlay.colorBar(style, s, 200);
    assertEquals(200, bar.getWidth());
    // the ramp: black on the left, white on the right, inside the frame
    assertTrue((bar.getRGB(1, 7) & 0xFF) <= 3, "near black at the left");
    assertTrue((bar.getRGB(198, 7) & 0xFF) >= 252, "near white at the right");
    assertTrue((bar.getRGB(100, 7) & 0xFF) > 100 && (bar.getRGB(100, 7) & 0xFF) < 155, "grey in the middle");
    BufferedImage pic = Overlay.withColorBar(RgbConversion.newRgb(16, 8), style, s, 224);
    assertEquals(224, pic.getWidth());
    assertEquals(112 + bar.getHeight(), pic.getHeight());
    assertEquals("0.044", Overlay.format(0.044));
    assertEquals("-2.5", Overlay.format(-2.5));
    assertEquals("1.23e-07", Overlay.format(1.234e-7));
  }

  private static double luminance(int rgb) {
    return 0.299 * ((rgb >>> 16) & 0xFF) + 0.587 * ((rgb >>> 8) & 0xFF) + 0.114 * (rgb & 0xFF);
  }
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
