package dev.lanterne.demo;

import java.util.SplittableRandom;

/** Random colours for the demo pictures. */
final class Colours {
  private Colours() {}

  /** A saturated, fairly bright colour (random hue), in [0,255] per channel. */
  static double[] vivid(SplittableRandom rnd) {
    return hsv(rnd.nextDouble(0, 6), rnd.nextDouble(0.45, 1), rnd.nextDouble(0.5, 1));
  }

  /** HSV to RGB with the hue in sextants [0,6). */
  static double[] hsv(double h, double s, double v) {
    int sextant = (int) h % 6;
    double f = h - Math.floor(h);
    double p = v * (1 - s);
    double q = v * (1 - s * f);
    double t = v * (1 - s * (1 - f));
    double[] rgb = switch (sextant) {
      case 0 -> new double[] {v, t, p};
      case 1 -> new double[] {q, v, p};
      case 2 -> new double[] {p, v, t};
      case 3 -> new double[] {p, q, v};
      case 4 -> new double[] {t, p, v};
      default -> new double[] {v, p, q};
    };
    for (int k = 0; k < 3; k++) {
      rgb[k] = Math.round(255 * rgb[k]);
    }
    return rgb;
  }
}
