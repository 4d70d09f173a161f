package dev.lanterne.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lanterne.LanterneException;
import org.junit.jupiter.api.Test;

/** Values as matplotlib prints them, e.g. {@code matplotlib.cm.jet(0.5)}. */
class ColorMapTest {
  private static final double EPS = 1e-6;

  @Test
  void endpointsMatchMatplotlib() {
    assertArrayEquals(new double[] {0.267004, 0.004874, 0.329415}, ColorMap.VIRIDIS.rgbFloats(0f), EPS);
    assertArrayEquals(new double[] {0.993248, 0.906157, 0.143936}, ColorMap.VIRIDIS.rgbFloats(1f), EPS);
    assertArrayEquals(new double[] {0, 0, 0.5}, ColorMap.JET.rgbFloats(0f), EPS);
    assertArrayEquals(new double[] {0.5, 0, 0}, ColorMap.JET.rgbFloats(1f), EPS);
    assertArrayEquals(new double[] {0.0416, 0, 0}, ColorMap.HOT.rgbFloats(0f), EPS);
    assertArrayEquals(new double[] {1, 1, 1}, ColorMap.HOT.rgbFloats(1f), EPS);
    assertArrayEquals(new double[] {0, 0, 0}, ColorMap.GRAY.rgbFloats(0f), EPS);
    assertArrayEquals(new double[] {1, 1, 1}, ColorMap.GRAY.rgbFloats(1f), EPS);
  }

  @Test
  void midpointsMatchMatplotlib() {
    // 0.5 picks entry 128 of 256, i.e. 128 / 255 along the map
    assertArrayEquals(new double[] {0.127568, 0.566949, 0.550556}, ColorMap.VIRIDIS.rgbFloats(0.5f), EPS);
    assertArrayEquals(new double[] {0.4901960784313725, 1.0, 0.4775458570524984}, ColorMap.JET.rgbFloats(0.5f), 1e-9);
    assertArrayEquals(new double[] {0.5019607843137255, 0.5019607843137255, 0.5019607843137255},
        ColorMap.GRAY.rgbFloats(0.5f), 1e-9);
  }

  @Test
  void newMapsMatchMatplotlib() {
    // matplotlib.cm.inferno(0.0), (1.0) and seismic / bwr at both ends and at 0.25
    assertArrayEquals(new double[] {0.001462, 0.000466, 0.013866}, ColorMap.INFERNO.rgbFloats(0f), EPS);
    assertArrayEquals(new double[] {0.988362, 0.998364, 0.644924}, ColorMap.INFERNO.rgbFloats(1f), EPS);
    assertArrayEquals(new double[] {0, 0, 0.3}, ColorMap.SEISMIC.rgbFloats(0f), EPS);
    assertArrayEquals(new double[] {0.5, 0, 0}, ColorMap.SEISMIC.rgbFloats(1f), EPS);
    assertArrayEquals(new double[] {0, 0, 1}, ColorMap.BWR.rgbFloats(0f), EPS);
    assertArrayEquals(new double[] {1, 0, 0}, ColorMap.BWR.rgbFloats(1f), EPS);
    // entry 64 of seismic is at 64/255, (0.25 / 255) past its pure blue knot at 0.25, on a ramp of
    // slope 4 in red and green: (1/255, 1/255, 1)
    assertArrayEquals(new double[] {1 / 255.0, 1 / 255.0, 1}, ColorMap.SEISMIC.rgbFloats(0.25f), 1e-9);
    // entry 128 (128/255) is (0.5 / 255) past bwr's white centre, on slope -2 in green and blue
    assertArrayEquals(new double[] {1, 1 - 1 / 255.0, 1 - 1 / 255.0}, ColorMap.BWR.rgbFloats(0.5f), 1e-9);
  }

  @Test
  void bytesAndClipping() {
    assertEquals(0x440154, ColorMap.VIRIDIS.rgb(0f)); // viridis' first colour, #440154
    assertEquals(0xFDE725, ColorMap.VIRIDIS.rgb(1f)); // and its last, #fde725
    assertEquals(ColorMap.JET.rgb(0f), ColorMap.JET.rgb(-3f));
    assertEquals(ColorMap.JET.rgb(1f), ColorMap.JET.rgb(7f));
    assertEquals(ColorMap.JET.rgb(0f), ColorMap.JET.rgb(Float.NaN));
  }

  @Test
  void parseByName() {
    assertEquals(ColorMap.VIRIDIS, ColorMap.parse("Viridis"));
    LanterneException e = assertThrows(LanterneException.class, () -> ColorMap.parse("rainbow"));
    assertEquals(LanterneException.USAGE, e.exitCode());
  }
}
