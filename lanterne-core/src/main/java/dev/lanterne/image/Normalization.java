package dev.lanterne.image;

import dev.lanterne.model.ModelCard;

/**
 * The per-channel affine map from pixels in [0,1] to the model's input: {@code (p - mean) / std}.
 * Noise levels, baselines and masks are stated in pixel space and converted with it.
 *
 * @param mean per-channel mean, in pixel units [0,1] (copied)
 * @param std per-channel standard deviation, positive (copied)
 */
public record Normalization(float[] mean, float[] std) {
  /** Inputs that are pixels in [0,1] already. */
  public static final Normalization IDENTITY = new Normalization(new float[] {0, 0, 0}, new float[] {1, 1, 1});

  /**
   * Checks the values and copies the arrays.
   *
   * @throws IllegalArgumentException when mean and std differ in length, are empty, or a std is not positive
   */
  public Normalization {
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

  /** The card's three-channel mean and std. */
  public static Normalization of(ModelCard card) {
    return new Normalization(card.mean(), card.std());
  }

  /** The card's first {@code channels} means and stds (a one-channel model uses the first). */
  public static Normalization of(ModelCard card, int channels) {
    return new Normalization(java.util.Arrays.copyOf(card.mean(), channels),
        java.util.Arrays.copyOf(card.std(), channels));
  }

  /** No normalisation, for a model that takes pixels in [0,1]. */
  public static Normalization identity(int channels) {
    float[] s = new float[channels];
    java.util.Arrays.fill(s, 1f);
    return new Normalization(new float[channels], s);
  }

  /** Number of channels. */
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

  /** The normalised value of pixel value p in channel c. */
  public float normalise(int c, float p) {
    return (p - mean[c]) / std[c];
  }

  /** A pixel-space distance in channel c measured in normalised units. */
  public float scale(int c, float pixelDistance) {
    return pixelDistance / std[c];
  }
}
