package dev.lanterne.explain.inversion;

import dev.lanterne.model.ModelCard;

/**
 * The valid pixel range in normalised space: pixel p in [0,1] becomes (p - mean) / std, so channel c
 * runs from (0 - mean_c) / std_c to (1 - mean_c) / std_c.
 *
 * @param low per-channel lower bound, the normalised value of pixel 0
 * @param high per-channel upper bound, the normalised value of pixel 1
 */
public record PixelRange(float[] low, float[] high) {
  /** The range for a card's three-channel mean and std. */
  public static PixelRange of(ModelCard card) {
    float[] lo = new float[3];
    float[] hi = new float[3];
    for (int c = 0; c < 3; c++) {
      lo[c] = (0f - card.mean()[c]) / card.std()[c];
      hi[c] = (1f - card.mean()[c]) / card.std()[c];
    }
    return new PixelRange(lo, hi);
  }

  /** Clips n stacked [C,H,W] images in place. */
  public void clip(float[] x, int n, int channels) {
    int plane = x.length / (n * channels);
    for (int q = 0; q < n * channels; q++) {
      int c = q % channels;
      float lo = low[Math.min(c, low.length - 1)];
      float hi = high[Math.min(c, high.length - 1)];
      for (int j = q * plane; j < (q + 1) * plane; j++) {
        x[j] = Math.max(lo, Math.min(hi, x[j]));
      }
    }
  }

  /** The normalised value of pixel value p (in [0,1]) in channel c. */
  public float normalise(int c, float p) {
    return low[c] + p * (high[c] - low[c]);
  }
}
