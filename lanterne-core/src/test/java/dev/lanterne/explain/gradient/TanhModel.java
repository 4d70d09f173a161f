package dev.lanterne.explain.gradient;

import dev.lanterne.runtime.GradientModel;
import java.util.SplittableRandom;

/**
 * A smooth test network written out by hand, y = W2 tanh(W1 x + b1) + b2, with its analytic input
 * gradient; counts calls and rows so tests can check batching.
 */
final class TanhModel implements GradientModel {
  final int[] chw;
  final int per;
  final int hidden;
  final int classes;
  final double[] w1;
  final double[] b1;
  final double[] w2;
  final double[] b2;
  int calls;
  int rows;

  TanhModel(int[] chw, int hidden, int classes, long seed) {
    this.chw = chw;
    this.per = chw[0] * chw[1] * chw[2];
    this.hidden = hidden;
    this.classes = classes;
    SplittableRandom r = new SplittableRandom(seed);
    w1 = gaussian(r, hidden * per, 1.5 / Math.sqrt(per));
    b1 = gaussian(r, hidden, 0.3);
    w2 = gaussian(r, classes * hidden, 1.0);
    b2 = gaussian(r, classes, 0.1);
  }

  private static double[] gaussian(SplittableRandom r, int n, double scale) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = scale * r.nextGaussian();
    }
    return v;
  }

  /** Scores of one image at offset off, in double. */
  double[] forward(float[] x, int off) {
    double[] h = hiddenActivations(x, off);
    double[] y = new double[classes];
    for (int k = 0; k < classes; k++) {
      double s = b2[k];
      for (int j = 0; j < hidden; j++) {
        s += w2[k * hidden + j] * h[j];
      }
      y[k] = s;
    }
    return y;
  }

  private double[] hiddenActivations(float[] x, int off) {
    double[] h = new double[hidden];
    for (int j = 0; j < hidden; j++) {
      double s = b1[j];
      for (int p = 0; p < per; p++) {
        s += w1[j * per + p] * x[off + p];
      }
      h[j] = Math.tanh(s);
    }
    return h;
  }

  @Override
  public int[] inputShape() {
    return chw.clone();
  }

  @Override
  public int numClasses() {
    return classes;
  }

  @Override
  public Result gradient(float[] x, int n, float[] seed) {
    calls++;
    rows += n;
    float[] scores = new float[n * classes];
    float[] grad = new float[n * per];
    for (int i = 0; i < n; i++) {
      double[] y = forward(x, i * per);
      for (int k = 0; k < classes; k++) {
        scores[i * classes + k] = (float) y[k];
      }
      double[] h = hiddenActivations(x, i * per);
      for (int j = 0; j < hidden; j++) {
        double back = 0;
        for (int k = 0; k < classes; k++) {
          back += seed[i * classes + k] * w2[k * hidden + j];
        }
        back *= 1 - h[j] * h[j];
        for (int p = 0; p < per; p++) {
          grad[i * per + p] += (float) (back * w1[j * per + p]);
        }
      }
    }
    return new Result(scores, grad);
  }

  @Override
  public void close() {}
}
