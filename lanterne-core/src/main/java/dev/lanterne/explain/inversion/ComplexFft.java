package dev.lanterne.explain.inversion;

/**
 * An unnormalised complex discrete Fourier transform of one length n, X[k] = sum_j x[j]
 * e^{sign 2 pi i j k / n}, by mixed-radix Cooley-Tukey decimation in time over n's prime factors
 * (O(n sum of factors): 224 = 2^5 * 7 costs 17 operations per value instead of 224). Written here
 * rather than taken from a library because the Fourier parameterisation needs only this, at the
 * model's input sizes, which are rarely powers of two.
 *
 * <p>Not thread-safe (one scratch buffer); each thread makes its own.
 */
final class ComplexFft {
  private final int n;
  private final int[] factors;
  private final double[] cos;
  private final double[] sin;
  private final double[] scratchRe;
  private final double[] scratchIm;
  private final double[] tRe;
  private final double[] tIm;

  ComplexFft(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("length must be positive, got " + n);
    }
    this.n = n;
    java.util.List<Integer> f = new java.util.ArrayList<>();
    int m = n;
    for (int p = 2; (long) p * p <= m; p++) {
      while (m % p == 0) {
        f.add(p);
        m /= p;
      }
    }
    if (m > 1) {
      f.add(m);
    }
    this.factors = f.stream().mapToInt(Integer::intValue).toArray();
    this.cos = new double[n];
    this.sin = new double[n];
    for (int k = 0; k < n; k++) {
      double a = 2 * Math.PI * k / n;
      cos[k] = Math.cos(a);
      sin[k] = Math.sin(a);
    }
    this.scratchRe = new double[n];
    this.scratchIm = new double[n];
    int largest = 1;
    for (int p : factors) {
      largest = Math.max(largest, p);
    }
    this.tRe = new double[largest];
    this.tIm = new double[largest];
  }

  int length() {
    return n;
  }

  /** Transforms re + i im in place; sign +1 or -1 is the exponent's sign. */
  void transform(double[] re, double[] im, int sign) {
    System.arraycopy(re, 0, scratchRe, 0, n);
    System.arraycopy(im, 0, scratchIm, 0, n);
    step(scratchRe, scratchIm, 0, 1, re, im, 0, n, 0, sign);
  }

  /** The DFT of length m of in[inOff + j * stride], j &lt; m, written to out[outOff .. outOff + m). */
  private void step(double[] inRe, double[] inIm, int inOff, int stride, double[] outRe, double[] outIm,
      int outOff, int m, int fi, int sign) {
    if (m == 1) {
      outRe[outOff] = inRe[inOff];
      outIm[outOff] = inIm[inOff];
      return;
    }
    int p = factors[fi];
    int q = m / p;
    // the p interleaved sub-sequences x[r + p j], each transformed into out[outOff + r q ..]
    for (int r = 0; r < p; r++) {
      step(inRe, inIm, inOff + r * stride, stride * p, outRe, outIm, outOff + r * q, q, fi + 1, sign);
    }
    // X[k + q s] = sum_r W_m^{r (k + q s)} Y_r[k]; for each k the p values read are the p written
    int unit = n / m;
    if (p == 2) {
      for (int k = 0; k < q; k++) {
        int a = outOff + k;
        int b = a + q;
        double c = cos[k * unit];
        double sn = sign * sin[k * unit];
        double wr = outRe[b] * c - outIm[b] * sn;
        double wi = outRe[b] * sn + outIm[b] * c;
        outRe[b] = outRe[a] - wr;
        outIm[b] = outIm[a] - wi;
        outRe[a] += wr;
        outIm[a] += wi;
      }
      return;
    }
    for (int k = 0; k < q; k++) {
      for (int r = 0; r < p; r++) {
        tRe[r] = outRe[outOff + r * q + k];
        tIm[r] = outIm[outOff + r * q + k];
      }
      for (int s = 0; s < p; s++) {
        int e = k + q * s;
        double sr = tRe[0];
        double si = tIm[0];
        int re = 0; // r * e mod m, kept below m by one subtraction per r since e < m
        for (int r = 1; r < p; r++) {
          re += e;
          if (re >= m) {
            re -= m;
          }
          int idx = re * unit;
          double c = cos[idx];
          double sn = sign * sin[idx];
          sr += tRe[r] * c - tIm[r] * sn;
          si += tRe[r] * sn + tIm[r] * c;
        }
        outRe[outOff + e] = sr;
        outIm[outOff + e] = si;
      }
    }
  }
}
