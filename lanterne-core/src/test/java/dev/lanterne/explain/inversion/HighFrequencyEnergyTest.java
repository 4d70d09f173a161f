package dev.lanterne.explain.inversion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class HighFrequencyEnergyTest {
  private static final int S = 48;

  @Test
  void whiteNoiseIsMostlyHighFrequencyAndAGradientIsNot() {
    SplittableRandom r = new SplittableRandom(1);
    float[] noise = new float[3 * S * S];
    for (int i = 0; i < noise.length; i++) {
      noise[i] = (float) r.nextDouble();
    }
    float[] ramp = new float[3 * S * S];
    for (int c = 0; c < 3; c++) {
      for (int y = 0; y < S; y++) {
        for (int x = 0; x < S; x++) {
          ramp[c * S * S + y * S + x] = 0.5f + 0.4f * (float) Math.sin(2 * Math.PI * (x + 2 * y) / S);
        }
      }
    }
    double n = HighFrequencyEnergy.fraction(noise, S, S);
    double g = HighFrequencyEnergy.fraction(ramp, S, S);
    // a flat spectrum puts 1 - pi c^2 of its energy outside the disc of radius c (square of side 1)
    assertEquals(1 - Math.PI * 0.25 * 0.25, n, 0.03);
    assertTrue(g < 1e-6, "one low sinusoid has no energy above the cutoff: " + g);
  }

  @Test
  void aSinusoidAboveTheCutoffCountsFully() {
    float[] x = new float[3 * S * S];
    for (int i = 0; i < S * S; i++) {
      // 18 cycles over 48 pixels = 0.375 cycles per pixel, above 0.25
      float v = 0.5f + 0.3f * (float) Math.cos(2 * Math.PI * 18 * (i % S) / S);
      x[i] = v;
      x[S * S + i] = v;
      x[2 * S * S + i] = v;
    }
    assertEquals(1.0, HighFrequencyEnergy.fraction(x, S, S), 1e-9);
    assertEquals(0.0, HighFrequencyEnergy.fraction(new float[3 * S * S], S, S), 0);
  }
}
