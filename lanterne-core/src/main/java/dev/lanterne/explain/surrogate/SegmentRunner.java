package dev.lanterne.explain.surrogate;

import dev.lanterne.explain.LanternModel;
import dev.lanterne.explain.perturbation.ScoreKind;

/**
 * Scores one image with some of its segments replaced by the fill: each coalition z (z[s] true:
 * segment s kept) becomes the normalised input z ? x : fill, sent to the model in batches.
 */
final class SegmentRunner {
  private final LanternModel model;
  private final float[] image;
  private final float[] fill;
  private final Segments segments;
  private final ScoreKind score;
  private final int batch;
  private final int channels;
  private final int plane;
  private final int[] labels;

  /**
   * @param image normalised [C,H,W]
   * @param fill normalised [C,H,W]
   */
  SegmentRunner(LanternModel model, float[] image, float[] fill, Segments segments, ScoreKind score, int batch) {
    this.model = model;
    this.image = image;
    this.fill = fill;
    this.segments = segments;
    this.score = score;
    this.batch = Math.max(1, batch);
    this.channels = model.inputShape()[0];
    this.plane = segments.height() * segments.width();
    this.labels = segments.labels();
  }

  /** Scores [K] of the unperturbed image. */
  float[] original() {
    return toScores(model.scores(image, 1), 1);
  }

  /** The normalised input of a coalition. */
  float[] compose(boolean[] keep) {
    float[] x = new float[channels * plane];
    compose(keep, x, 0);
    return x;
  }

  private void compose(boolean[] keep, float[] out, int offset) {
    for (int c = 0; c < channels; c++) {
      int o = c * plane;
      for (int u = 0; u < plane; u++) {
        out[offset + o + u] = keep[labels[u]] ? image[o + u] : fill[o + u];
      }
    }
  }

  /** Scores of each coalition for the given classes: [n][classes.length]. */
  double[][] scores(boolean[][] coalitions, int[] classes) {
    int n = coalitions.length;
    int k = model.numClasses();
    int per = channels * plane;
    double[][] out = new double[n][classes.length];
    for (int start = 0; start < n; start += batch) {
      int b = Math.min(batch, n - start);
      float[] x = new float[b * per];
      for (int i = 0; i < b; i++) {
        compose(coalitions[start + i], x, i * per);
      }
      float[] s = toScores(model.scores(x, b), b);
      for (int i = 0; i < b; i++) {
        for (int j = 0; j < classes.length; j++) {
          out[start + i][j] = s[i * k + classes[j]];
        }
      }
    }
    return out;
  }

  private float[] toScores(float[] raw, int n) {
    return score == ScoreKind.PROBABILITY ? model.probabilities(raw, n) : raw;
  }

  Segments segments() {
    return segments;
  }

  float[] image() {
    return image;
  }

  float[] fill() {
    return fill;
  }
}
