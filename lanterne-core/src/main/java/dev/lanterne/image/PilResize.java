package dev.lanterne.image;

import java.awt.image.BufferedImage;
import java.util.Arrays;

/**
 * PIL's {@code Image.resize(size, Image.BILINEAR, box)} on 8-bit RGB, bit for bit: a separable
 * convolution whose triangle filter is widened by the downscale factor (so shrinking antialiases),
 * coefficients in 22-bit fixed point, a horizontal pass then a vertical one, each rounded and
 * clipped to 8 bits (the algorithm of Pillow's Resample.c).
 */
public final class PilResize {
  /** Fixed-point precision of the coefficients, as in Pillow (32 - 8 - 2 bits). */
  private static final int PRECISION_BITS = 22;
  private static final double BILINEAR_SUPPORT = 1.0;

  private PilResize() {}

  /** Resizes the whole image. */
  public static BufferedImage resize(BufferedImage rgb, int width, int height) {
    return resize(rgb, width, height, 0f, 0f, rgb.getWidth(), rgb.getHeight());
  }

  /**
   * Resizes the region (left, top, right, bottom) of the image, in pixel coordinates that may be
   * fractional, to width x height, like PIL's {@code resize(size, BILINEAR, box)}.
   */
  public static BufferedImage resize(BufferedImage rgb, int width, int height,
      float left, float top, float right, float bottom) {
    BufferedImage src = RgbConversion.toRgb(rgb);
    int inW = src.getWidth();
    int inH = src.getHeight();
    if (width < 1 || height < 1) {
      throw new IllegalArgumentException("output size must be positive, got " + width + "x" + height);
    }
    if (left < 0 || top < 0 || right > inW || bottom > inH || right <= left || bottom <= top) {
      throw new IllegalArgumentException("box (" + left + ", " + top + ", " + right + ", " + bottom
          + ") is not inside the " + inW + "x" + inH + " image");
    }
    int[] out = resize(RgbConversion.pixels(src), inW, inH, width, height, left, top, right, bottom);
    BufferedImage result = RgbConversion.newRgb(width, height);
    System.arraycopy(out, 0, RgbConversion.pixels(result), 0, out.length);
    return result;
  }

  /** The core on packed 0xRRGGBB pixels, row by row. */
  static int[] resize(int[] src, int inW, int inH, int outW, int outH,
      float left, float top, float right, float bottom) {
    boolean horizontal = outW != inW || left != 0 || right != outW;
    boolean vertical = outH != inH || top != 0 || bottom != outH;
    Coefficients cx = Coefficients.of(inW, left, right, outW);
    Coefficients cy = Coefficients.of(inH, top, bottom, outH);
    int[] image = src;
    int w = inW;
    int rowOffset = 0;
    if (horizontal) {
      // Only the rows the vertical pass reads are resampled horizontally.
      int first = cy.bounds[0];
      int last = cy.bounds[(outH - 1) * 2] + cy.bounds[(outH - 1) * 2 + 1];
      if (!vertical) {
        first = 0;
        last = inH;
      }
      image = horizontalPass(src, inW, first, last, cx);
      w = outW;
      rowOffset = first;
    }
    if (vertical) {
      image = verticalPass(image, w, rowOffset, cy);
    }
    return image == src ? src.clone() : image;
  }

  private static int[] horizontalPass(int[] src, int inW, int firstRow, int lastRow, Coefficients c) {
    int outW = c.outSize;
    int rows = lastRow - firstRow;
    int[] dst = new int[outW * rows];
    int half = 1 << (PRECISION_BITS - 1);
    for (int y = 0; y < rows; y++) {
      int srcRow = (y + firstRow) * inW;
      for (int xx = 0; xx < outW; xx++) {
        int xmin = c.bounds[xx * 2];
        int count = c.bounds[xx * 2 + 1];
        int k = xx * c.ksize;
        int r = half;
        int g = half;
        int b = half;
        for (int x = 0; x < count; x++) {
          int p = src[srcRow + xmin + x];
          int weight = c.weights[k + x];
          r += ((p >>> 16) & 0xFF) * weight;
          g += ((p >>> 8) & 0xFF) * weight;
          b += (p & 0xFF) * weight;
        }
        dst[y * outW + xx] = clip8(r) << 16 | clip8(g) << 8 | clip8(b);
      }
    }
    return dst;
  }

  /**
   * Vertical pass over an image whose row 0 is source row rowOffset. Rows are accumulated whole
   * (integer sums, so the order does not change the result) to read memory sequentially.
   */
  private static int[] verticalPass(int[] src, int w, int rowOffset, Coefficients c) {
    int outH = c.outSize;
    int[] dst = new int[w * outH];
    int half = 1 << (PRECISION_BITS - 1);
    int[] r = new int[w];
    int[] g = new int[w];
    int[] b = new int[w];
    for (int yy = 0; yy < outH; yy++) {
      int ymin = c.bounds[yy * 2] - rowOffset;
      int count = c.bounds[yy * 2 + 1];
      int k = yy * c.ksize;
      Arrays.fill(r, half);
      Arrays.fill(g, half);
      Arrays.fill(b, half);
      for (int y = 0; y < count; y++) {
        int weight = c.weights[k + y];
        int row = (ymin + y) * w;
        for (int xx = 0; xx < w; xx++) {
          int p = src[row + xx];
          r[xx] += ((p >>> 16) & 0xFF) * weight;
          g[xx] += ((p >>> 8) & 0xFF) * weight;
          b[xx] += (p & 0xFF) * weight;
        }
      }
      int out = yy * w;
      for (int xx = 0; xx < w; xx++) {
        dst[out + xx] = clip8(r[xx]) << 16 | clip8(g[xx]) << 8 | clip8(b[xx]);
      }
    }
    return dst;
  }

  private static int clip8(int v) {
    if (v >= (1 << PRECISION_BITS << 8)) {
      return 255;
    }
    if (v <= 0) {
      return 0;
    }
    return v >> PRECISION_BITS;
  }

  private static double bilinear(double x) {
    double a = Math.abs(x);
    return a < 1.0 ? 1.0 - a : 0.0;
  }

  /**
   * Per output pixel: the first input pixel it reads, how many, and their fixed-point weights
   * (ksize slots per output pixel).
   */
  static final class Coefficients {
    final int outSize;
    final int ksize;
    final int[] bounds;
    final int[] weights;

    private Coefficients(int outSize, int ksize, int[] bounds, int[] weights) {
      this.outSize = outSize;
      this.ksize = ksize;
      this.bounds = bounds;
      this.weights = weights;
    }

    static Coefficients of(int inSize, float in0, float in1, int outSize) {
      double scale = (double) (in1 - in0) / outSize;
      double filterScale = Math.max(scale, 1.0);
      double support = BILINEAR_SUPPORT * filterScale;
      int ksize = (int) Math.ceil(support) * 2 + 1;
      int[] bounds = new int[outSize * 2];
      int[] weights = new int[outSize * ksize];
      double[] k = new double[ksize];
      double inverse = 1.0 / filterScale;
      for (int xx = 0; xx < outSize; xx++) {
        double center = in0 + (xx + 0.5) * scale;
        int xmin = Math.max(0, (int) (center - support + 0.5));
        int xmax = Math.min(inSize, (int) (center + support + 0.5)) - xmin;
        double sum = 0.0;
        for (int x = 0; x < xmax; x++) {
          double w = bilinear((x + xmin - center + 0.5) * inverse);
          k[x] = w;
          sum += w;
        }
        for (int x = 0; x < xmax; x++) {
          double normalised = sum != 0.0 ? k[x] / sum : k[x];
          weights[xx * ksize + x] = (int) (normalised < 0
              ? -0.5 + normalised * (1 << PRECISION_BITS)
              : 0.5 + normalised * (1 << PRECISION_BITS));
        }
        bounds[xx * 2] = xmin;
        bounds[xx * 2 + 1] = Math.max(0, xmax);
      }
      return new Coefficients(outSize, ksize, bounds, weights);
    }
  }
}
