package dev.lanterne.explain.perturbation;

import dev.lanterne.LanterneException;
import java.util.Arrays;
import java.util.Locale;

/** What replaces masked pixels: masked = M * x + (1 - M) * fill, in pixel space [0,1]. */
public enum Fill {
  /** Zero pixels: the paper's plain multiplication M * x. */
  BLACK,
  /** Mid gray, 0.5 in every channel. */
  GRAY,
  /** The image's mean colour. */
  MEAN,
  /** A Gaussian-blurred copy of the image. */
  BLUR;

  /**
   * The fill image [C,H,W] for pixels [C,H,W].
   *
   * @param blurSigma standard deviation in pixels for {@link #BLUR}
   */
  public float[] image(float[] pixels, int channels, int height, int width, double blurSigma) {
    int plane = height * width;
    float[] out = new float[pixels.length];
    switch (this) {
      case BLACK -> { }
      case GRAY -> Arrays.fill(out, 0.5f);
      case MEAN -> {
        for (int c = 0; c < channels; c++) {
          double sum = 0;
          for (int i = c * plane; i < (c + 1) * plane; i++) {
            sum += pixels[i];
          }
          Arrays.fill(out, c * plane, (c + 1) * plane, (float) (sum / plane));
        }
      }
      case BLUR -> out = GaussianBlur.blur(pixels, channels, height, width, blurSigma);
    }
    return out;
  }

  /**
   * A fill by name (black, gray, mean or blur), case-insensitive.
   *
   * @throws dev.lanterne.LanterneException (usage) for any other name
   */
  public static Fill parse(String s) {
    try {
      return valueOf(s.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw LanterneException.usage("fill", "unknown fill '" + s + "'; use black, gray, mean or blur");
    }
  }
}
