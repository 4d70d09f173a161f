package dev.lanterne.metrics;

import dev.lanterne.LanterneException;
import java.util.Arrays;
import java.util.Locale;

/**
 * What deleted pixels become, and what insertion starts from. Built from the normalised image
 * [C,H,W] and the model card's mean and std, so colours are meant in pixel space.
 */
public enum Substrate {
  /** Black pixels (0 in pixel space, (0 - mean) / std normalised): the RISE paper's deletion. */
  BLACK,
  /** Mid gray, 0.5 in every pixel channel. */
  GRAY,
  /** The normalisation mean colour (0 normalised): what the RISE authors' code's zeros_like gives. */
  MEAN,
  /** The authors' 11x11, sigma 5 blur of the image ({@link InsertionBlur}): the paper's insertion start. */
  BLUR;

  /** The substrate image [C,H,W], normalised like the input. */
  public float[] image(float[] normalised, int channels, int height, int width, float[] mean, float[] std) {
    int plane = height * width;
    float[] out = new float[normalised.length];
    switch (this) {
      case BLACK -> fillPixel(out, channels, plane, 0f, mean, std);
      case GRAY -> fillPixel(out, channels, plane, 0.5f, mean, std);
      case MEAN -> { }
      case BLUR -> out = InsertionBlur.blur(normalised, channels, height, width);
    }
    return out;
  }

  private static void fillPixel(float[] out, int channels, int plane, float pixel, float[] mean, float[] std) {
    for (int c = 0; c < channels; c++) {
      Arrays.fill(out, c * plane, (c + 1) * plane, (pixel - mean[c]) / std[c]);
    }
  }

  /** The lower-case name that {@link #parse} accepts. */
  public String cliName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * A substrate by name (black, gray, mean or blur), case-insensitive.
   *
   * @throws dev.lanterne.LanterneException (usage) for any other name
   */
  public static Substrate parse(String s) {
    try {
      return valueOf(s.strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw LanterneException.usage("unknown substrate '" + s + "'; use black, gray, mean or blur");
    }
  }
}
