package dev.lanterne.explain.inversion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanterne.explain.LanternModel;
import dev.lanterne.image.Normalization;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Lucid's Fourier/decorrelated parameterisation: the inverse transform against the closed form of
 * a single frequency, the chain rule (inverse transform, colour matrix, sigmoid, normalisation)
 * against finite differences, and a short run on the demo model that raises the class probability.
 */
class FourierParameterizationTest {
  private static final Normalization NORM = new Normalization(new float[] {0.5f, 0.4f, 0.3f},
      new float[] {0.25f, 0.5f, 0.2f});

  @Test
  void oneFrequencyIsACosineWave() {
    int h = 8;
    int w = 6;
    FourierParameterization f = new FourierParameterization(new int[] {3, h, w}, false, NORM, 1.0);
    float[] p = new float[f.size()];
    int wf = w / 2 + 1;
    // channel 0, ky = 1, kx = 2: real 0.3, imaginary -0.2
    int q = (1 * wf + 2) * 2;
    p[q] = 0.3f;
    p[q + 1] = -0.2f;
    double[] img = f.inverse(p, 0);
    double freq = Math.sqrt(1.0 / 64 + 4.0 / 36);
    double amp = 2 / freq / (4 * Math.sqrt(h * w));
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        double a = 2 * Math.PI * (y / (double) h + 2 * x / (double) w);
        assertEquals(amp * (0.3 * Math.cos(a) + 0.2 * Math.sin(a)), img[y * w + x], 1e-6, "(" + y + "," + x + ")");
      }
    }
  }

  @Test
  void chainRuleMatchesFiniteDifferences() {
    for (boolean decorrelate : new boolean[] {false, true}) {
      int[] chw = {3, 7, 6};
      FourierParameterization f = new FourierParameterization(chw, decorrelate, NORM, 1.0);
      SplittableRandom r = new SplittableRandom(3);
      int n = 2;
      float[] p = f.init(n, 0.05, r);
      float[] probe = new float[n * 3 * 7 * 6];
      for (int i = 0; i < probe.length; i++) {
        probe[i] = (float) r.nextDouble(-1, 1);
      }
      float[] x = f.render(p, n);
      float[] g = f.backward(x, probe, n);
      for (int j = 0; j < p.length; j += 7) {
        float[] a = p.clone();
        float[] b = p.clone();
        float e = 1e-2f;
        a[j] += e;
        b[j] -= e;
        double fd = (dot(f.render(a, n), probe) - dot(f.render(b, n), probe)) / (2 * e);
        assertEquals(fd, g[j], 2e-3 * Math.max(1, Math.abs(fd)), "variable " + j + " decorrelate " + decorrelate);
      }
    }
  }

  @Test
  void shortRunRaisesTheClassProbability() {
    try (LanternModel model = LanternModel.demo()) {
      InversionOptions o = InversionOptions.lucid().withSteps(40).withSnapshotEvery(0).withSeed(1);
      FourierParameterization f = new FourierParameterization(model.inputShape(), true, model.normalization(), 1.0);
      int[] classes = {0, 3};
      AscentTrace t = ClassModelInversion.run(model.inversionGraph(), model.card(), classes, null, o, f,
          StepListener.NONE);
      for (int i = 0; i < classes.length; i++) {
        float first = t.probability()[i][0];
        float last = t.finalProbability(i);
        assertTrue(last > first + 0.2 && last > 0.5, "class " + classes[i] + ": " + first + " -> " + last);
      }
    }
  }

  private static double dot(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += (double) a[i] * b[i];
    }
    return s;
  }
}
