package dev.lanterne.explain.gradient;

import dev.lanterne.LanterneException;
import dev.lanterne.image.Normalization;
import java.util.Locale;
import java.util.SplittableRandom;

/** Reference inputs for Integrated Gradients, built in pixel terms and returned normalised. */
public enum Baseline {
  /** All pixels 0 (black), i.e. {@code (0 - mean) / std} per channel. */
  BLACK,
  /** The image under a Gaussian blur (separable, edges clamped). */
  BLUR,
  /** Uniform noise in the pixel range [0,1], seeded. */
  NOISE;

  /**
   * @param image one normalised image [C,H,W]
   * @param blurSigma Gaussian sigma in pixels (BLUR only)
   * @param random noise source (NOISE only)
   */
  public float[] of(float[] image, int[] chw, Normalization norm, double blurSigma, SplittableRandom random) {
    int plane = chw[1] * chw[2];
    float[] out = new float[image.length];
    switch (this) {
      case BLACK -> {
        for (int c = 0; c < chw[0]; c++) {
          java.util.Arrays.fill(out, c * plane, (c + 1) * plane, norm.normalise(c, 0f));
        }
      }
      case NOISE -> {
        for (int c = 0; c < chw[0]; c++) {
          for (int p = 0; p < plane; p++) {
            out[c * plane + p] = norm.normalise(c, (float) random.nextDouble());
          }
        }
      }
      case BLUR -> {
        // normalisation is affine per channel and the kernel sums to 1, so blurring the normalised
        // values equals normalising the blurred pixels
        float[] kernel = gaussian(blurSigma);
        for (int c = 0; c < chw[0]; c++) {
          blurPlane(image, out, c * plane, chw[1], chw[2], kernel);
        }
      }
    }
    return out;
  }

  static float[] gaussian(double sigma) {
    if (!(sigma > 0)) {
      return new float[] {1f};
    }
    int radius = (int) Math.ceil(3 * sigma);
    float[] k = new float[2 * radius + 1];
    double sum = 0;
    for (int i = -radius; i <= radius; i++) {
      double v = Math.exp(-0.5 * i * i / (sigma * sigma));
      k[i + radius] = (float) v;
      sum += v;
    }
    for (int i = 0; i < k.length; i++) {
      k[i] /= (float) sum;
    }
    return k;
  }

  private static void blurPlane(float[] src, float[] dst, int off, int h, int w, float[] kernel) {
    int r = kernel.length / 2;
    float[] tmp = new float[h * w];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        float acc = 0;
        for (int k = -r; k <= r; k++) {
          int xx = Math.min(w - 1, Math.max(0, x + k));
          acc += kernel[k + r] * src[off + y * w + xx];
        }
        tmp[y * w + x] = acc;
      }
    }
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        float acc = 0;
        for (int k = -r; k <= r; k++) {
          int yy = Math.min(h - 1, Math.max(0, y + k));
          acc += kernel[k + r] * tmp[yy * w + x];
        }
        dst[off + y * w + x] = acc;
      }
    }
  }

  /**
   * A baseline by name (black, blur or noise), case-insensitive.
   *
   * @throws dev.lanterne.LanterneException (usage) for any other name
   */
  public static Baseline parse(String name) {
    try {
      return valueOf(name.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw LanterneException.usage("unknown baseline '" + name + "'; use black, blur or noise");
    }
  }
}
