package dev.lanterne.demo;

/** A square float RGB picture under construction, stored as three planes of values in [0,255]. */
final class Canvas {
  final int size;
  final float[] red;
  final float[] green;
  final float[] blue;

  Canvas(int size) {
    this.size = size;
    int n = size * size;
    red = new float[n];
    green = new float[n];
    blue = new float[n];
  }

  /** Sets pixel i to colour (r, g, b). */
  void set(int i, double r, double g, double b) {
    red[i] = (float) r;
    green[i] = (float) g;
    blue[i] = (float) b;
  }

  /** Sets pixel i to (1 - t) a + t b. */
  void mix(int i, double[] a, double[] b, double t) {
    set(i, a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1]), a[2] + t * (b[2] - a[2]));
  }

  /** Rounds every value to an integer in [0,255], as it will be stored. */
  void quantise() {
    quantise(red);
    quantise(green);
    quantise(blue);
  }

  private static void quantise(float[] plane) {
    for (int i = 0; i < plane.length; i++) {
      plane[i] = Math.max(0, Math.min(255, Math.round(plane[i])));
    }
  }

  /** Squared RGB distance between pixel i and colour c. */
  double distance2(int i, double[] c) {
    double dr = red[i] - c[0];
    double dg = green[i] - c[1];
    double db = blue[i] - c[2];
    return dr * dr + dg * dg + db * db;
  }

  /** The pixels packed 0xRRGGBB, row-major (call after {@link #quantise()}). */
  int[] packed() {
    int[] out = new int[red.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = ((int) red[i] << 16) | ((int) green[i] << 8) | (int) blue[i];
    }
    return out;
  }
}
