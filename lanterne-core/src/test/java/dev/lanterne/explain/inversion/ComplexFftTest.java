package dev.lanterne.explain.inversion;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The mixed-radix FFT against the DFT's defining sum, on lengths with every kind of factorisation. */
class ComplexFftTest {
  @Test
  void matchesTheDefiningSum() {
    SplittableRandom r = new SplittableRandom(5);
    int[] lengths = {1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 14, 15, 16, 25, 28, 30, 49, 97, 113, 128, 224};
    for (int n : lengths) {
      for (int sign : new int[] {1, -1}) {
        double[] re = new double[n];
        double[] im = new double[n];
        for (int j = 0; j < n; j++) {
          re[j] = r.nextDouble(-1, 1);
          im[j] = r.nextDouble(-1, 1);
        }
        double[] fr = re.clone();
        double[] fi = im.clone();
        new ComplexFft(n).transform(fr, fi, sign);
        for (int k = 0; k < n; k++) {
          double sr = 0;
          double si = 0;
          for (int j = 0; j < n; j++) {
            double a = sign * 2 * Math.PI * ((long) j * k % n) / n;
            sr += re[j] * Math.cos(a) - im[j] * Math.sin(a);
            si += re[j] * Math.sin(a) + im[j] * Math.cos(a);
          }
          assertEquals(sr, fr[k], 1e-9 * n, "n " + n + " sign " + sign + " re[" + k + "]");
          assertEquals(si, fi[k], 1e-9 * n, "n " + n + " sign " + sign + " im[" + k + "]");
        }
      }
    }
  }
}
