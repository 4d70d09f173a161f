package dev.lanterne.explain.perturbation;

import dev.lanterne.model.ModelCard;

/**
 * The model's per-channel normalisation, applied after masking (masks act on pixels in [0,1]):
 * normalised = (pixel - mean[c]) / std[c].
 */
public record Normalizer(float[] mean, float[] std) {
  public Normalizer {
    if (mean.length != std.length || mean.length == 0) {
      throw new IllegalArgumentException("mean and std need one value per channel");
    }
    for (float s : std) {
      if (!(s > 0)) {
        throw new IllegalArgumentException("std must be positive");
      }
    }
    mean = mean.clone();
    std = std.clone();
  }

  public static Normalizer of(ModelCard card) {
    return new Normalizer(card.mean(), card.std());
  }

  /** No normalisation: the model takes pixels in [0,1]. */
  public static Normalizer identity(int channels) {
    float[] m = new float[channels];
    float[] s = new float[channels];
    java.util.Arrays.fill(s, 1f);
    return new Normalizer(m, s);
  }

  public int channels() {
    return mean.length;
  }

  /** Normalises pixels [C,H,W] into a new array. */
  public float[] apply(float[] pixels) {
    int plane = pixels.length / channels();
    float[] out = new float[pixels.length];
    for (int c = 0; c < channels(); c++) {
      float m = mean[c];
      float inv = 1f / std[c];
      for (int i = c * plane, end = i + plane; i < end; i++) {
        out[i] = (pixels[i] - m) * inv;
      }
    }
    return out;
  }
}
