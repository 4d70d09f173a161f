package dev.lanterne.demo;

import java.util.SplittableRandom;

/**
 * Textured backgrounds and clutter for the demo pictures: gradients, stripes, checks and smooth
 * blotches, pixel noise, and small distractor dots and strokes that belong to no class.
 */
final class Backgrounds {
  private Backgrounds() {}

  /** Paints a random texture over the whole canvas, then pixel noise. */
  static void paint(Canvas c, SplittableRandom rnd) {
    double[] a = randomColour(rnd);
    double[] b = randomColour(rnd);
    switch (rnd.nextInt(4)) {
      case 0 -> gradient(c, a, b, rnd);
      case 1 -> stripes(c, a, b, rnd);
      case 2 -> checks(c, a, b, rnd);
      default -> blotches(c, rnd);
    }
    noise(c, rnd.nextDouble(0, 14), rnd);
  }

  /** Draws up to maxItems small dots and strokes in random vivid colours. */
  static void clutter(Canvas c, int maxItems, SplittableRandom rnd) {
    int items = rnd.nextInt(maxItems + 1);
    double s = c.size;
    for (int k = 0; k < items; k++) {
      double[] colour = Colours.vivid(rnd);
      double x0 = rnd.nextDouble(0, s);
      double y0 = rnd.nextDouble(0, s);
      if (rnd.nextBoolean()) {
        double radius = rnd.nextDouble(1.2, 0.05 * s);
        segment(c, x0, y0, x0, y0, radius, colour);
      } else {
        double angle = rnd.nextDouble(0, Math.PI);
        double length = rnd.nextDouble(0.1 * s, 0.3 * s);
        double halfWidth = rnd.nextDouble(0.5, 1.2);
        segment(c, x0, y0, x0 + length * Math.cos(angle), y0 + length * Math.sin(angle), halfWidth, colour);
      }
    }
  }

  private static double[] randomColour(SplittableRandom rnd) {
    return new double[] {rnd.nextDouble(0, 256), rnd.nextDouble(0, 256), rnd.nextDouble(0, 256)};
  }

  private static void gradient(Canvas c, double[] a, double[] b, SplittableRandom rnd) {
    double angle = rnd.nextDouble(0, 2 * Math.PI);
    double dx = Math.cos(angle);
    double dy = Math.sin(angle);
    double half = c.size / 2.0;
    double extent = half * (Math.abs(dx) + Math.abs(dy));
    for (int y = 0; y < c.size; y++) {
      for (int x = 0; x < c.size; x++) {
        double t = ((x + 0.5 - half) * dx + (y + 0.5 - half) * dy + extent) / (2 * extent);
        c.mix(y * c.size + x, a, b, t);
      }
    }
  }

  private static void stripes(Canvas c, double[] a, double[] b, SplittableRandom rnd) {
    double angle = rnd.nextDouble(0, Math.PI);
    double dx = Math.cos(angle);
    double dy = Math.sin(angle);
    double period = rnd.nextDouble(4, 14);
    double phase = rnd.nextDouble(0, 2 * Math.PI);
    boolean hard = rnd.nextBoolean();
    for (int y = 0; y < c.size; y++) {
      for (int x = 0; x < c.size; x++) {
        double s = Math.sin(2 * Math.PI * (x * dx + y * dy) / period + phase);
        c.mix(y * c.size + x, a, b, hard ? (s > 0 ? 1 : 0) : 0.5 + 0.5 * s);
      }
    }
  }

  private static void checks(Canvas c, double[] a, double[] b, SplittableRandom rnd) {
    int cell = rnd.nextInt(4, 11);
    int ox = rnd.nextInt(cell);
    int oy = rnd.nextInt(cell);
    for (int y = 0; y < c.size; y++) {
      for (int x = 0; x < c.size; x++) {
        c.mix(y * c.size + x, a, b, ((x + ox) / cell + (y + oy) / cell) % 2);
      }
    }
  }

  /** Bilinear interpolation of random colours on a coarse grid. */
  private static void blotches(Canvas c, SplittableRandom rnd) {
    int cells = rnd.nextInt(2, 6);
    double[][] grid = new double[(cells + 1) * (cells + 1)][];
    for (int i = 0; i < grid.length; i++) {
      grid[i] = randomColour(rnd);
    }
    double[] top = new double[3];
    double[] bottom = new double[3];
    double scale = (double) cells / c.size;
    for (int y = 0; y < c.size; y++) {
      double gy = (y + 0.5) * scale;
      int j = Math.min((int) gy, cells - 1);
      double ty = gy - j;
      for (int x = 0; x < c.size; x++) {
        double gx = (x + 0.5) * scale;
        int i = Math.min((int) gx, cells - 1);
        double tx = gx - i;
        lerp(grid[j * (cells + 1) + i], grid[j * (cells + 1) + i + 1], tx, top);
        lerp(grid[(j + 1) * (cells + 1) + i], grid[(j + 1) * (cells + 1) + i + 1], tx, bottom);
        c.mix(y * c.size + x, top, bottom, ty);
      }
    }
  }

  private static void lerp(double[] a, double[] b, double t, double[] out) {
    for (int k = 0; k < 3; k++) {
      out[k] = a[k] + t * (b[k] - a[k]);
    }
  }

  private static void noise(Canvas c, double sigma, SplittableRandom rnd) {
    for (int i = 0; i < c.red.length; i++) {
      c.red[i] += (float) (sigma * gaussian(rnd));
      c.green[i] += (float) (sigma * gaussian(rnd));
      c.blue[i] += (float) (sigma * gaussian(rnd));
    }
  }

  /** A standard normal variate (Box-Muller; SplittableRandom has no nextGaussian in Java 17). */
  private static double gaussian(SplittableRandom rnd) {
    double u = 1 - rnd.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rnd.nextDouble());
  }

  /** Fills the pixels whose centre lies within halfWidth of the segment (x0,y0)-(x1,y1). */
  private static void segment(Canvas c, double x0, double y0, double x1, double y1, double halfWidth,
      double[] colour) {
    double vx = x1 - x0;
    double vy = y1 - y0;
    double len2 = vx * vx + vy * vy;
    int xa = Math.max(0, (int) Math.floor(Math.min(x0, x1) - halfWidth));
    int xb = Math.min(c.size - 1, (int) Math.ceil(Math.max(x0, x1) + halfWidth));
    int ya = Math.max(0, (int) Math.floor(Math.min(y0, y1) - halfWidth));
    int yb = Math.min(c.size - 1, (int) Math.ceil(Math.max(y0, y1) + halfWidth));
    for (int y = ya; y <= yb; y++) {
      for (int x = xa; x <= xb; x++) {
        double px = x + 0.5 - x0;
        double py = y + 0.5 - y0;
        double t = len2 == 0 ? 0 : Math.max(0, Math.min(1, (px * vx + py * vy) / len2));
        double ex = px - t * vx;
        double ey = py - t * vy;
        if (ex * ex + ey * ey <= halfWidth * halfWidth) {
          c.set(y * c.size + x, colour[0], colour[1], colour[2]);
        }
      }
    }
  }
}
