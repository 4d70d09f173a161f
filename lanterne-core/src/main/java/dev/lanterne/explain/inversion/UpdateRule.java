package dev.lanterne.explain.inversion;

/**
 * A gradient-ascent update done in Java on the returned gradient: x += lr * direction(g) - lr * l2 * x.
 * Keeps its own per-element state (velocity, moments), so it serves one run.
 */
public interface UpdateRule {
  void apply(float[] x, float[] gradient, float lr, float l2);

  /** SGD with heavy-ball momentum: v = mu v + g, x += lr v (mu = 0: plain gradient ascent). */
  static UpdateRule momentum(double mu) {
    return new UpdateRule() {
      private float[] v;

      @Override
      public void apply(float[] x, float[] g, float lr, float l2) {
        if (v == null) {
          v = new float[x.length];
        }
        float m = (float) mu;
        for (int i = 0; i < x.length; i++) {
          v[i] = m * v[i] + g[i];
          x[i] += lr * v[i] - lr * l2 * x[i];
        }
      }
    };
  }

  /** Adam (Kingma and Ba 2015) ascending, with bias correction and decoupled L2 decay. */
  static UpdateRule adam(double beta1, double beta2, double eps) {
    return new UpdateRule() {
      private float[] m;
      private float[] v;
      private int t;

      @Override
      public void apply(float[] x, float[] g, float lr, float l2) {
        if (m == null) {
          m = new float[x.length];
          v = new float[x.length];
        }
        t++;
        float b1 = (float) beta1;
        float b2 = (float) beta2;
        double c1 = 1 - Math.pow(beta1, t);
        double c2 = 1 - Math.pow(beta2, t);
        float stepSize = (float) (lr * Math.sqrt(c2) / c1);
        float e = (float) (eps * Math.sqrt(c2));
        for (int i = 0; i < x.length; i++) {
          m[i] = b1 * m[i] + (1 - b1) * g[i];
          v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
          x[i] += stepSize * m[i] / ((float) Math.sqrt(v[i]) + e) - lr * l2 * x[i];
        }
      }
    };
  }

  /** The rule the options ask for (Adam with the usual 0.9, 0.999, 1e-8). */
  static UpdateRule of(InversionOptions o) {
    return o.optimizer() == InversionOptions.Optimizer.ADAM ? adam(0.9, 0.999, 1e-8) : momentum(o.momentum());
  }

  /** Divides each of n images' gradient by its mean absolute value (in place); zero gradients stay zero. */
  static void normalizePerImage(float[] g, int n) {
    int per = g.length / n;
    for (int i = 0; i < n; i++) {
      double s = 0;
      for (int j = i * per; j < (i + 1) * per; j++) {
        s += Math.abs(g[j]);
      }
      double mean = s / per;
      if (mean > 0) {
        float inv = (float) (1 / mean);
        for (int j = i * per; j < (i + 1) * per; j++) {
          g[j] *= inv;
        }
      }
    }
  }
}
