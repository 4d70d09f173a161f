package dev.lanterne.explain.inversion;

import dev.lanterne.image.Normalization;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Lucid's (and Lucent's) image parameterisation for feature visualisation
 * ({@code lucid.optvis.param.image(fft=True, decorrelate=True)}): the optimised variables are a
 * Fourier spectrum per channel, scaled by 1/f (so low frequencies move first and the image stays
 * smooth without blurring), turned into an image by an inverse real 2-D Fourier transform (divided
 * by 4 sqrt(HW), Lucid's unitary scaling and its constant 4), optionally mixed through Lucid's
 * colour-decorrelation matrix (the square root of ImageNet's colour covariance, normalised by its
 * largest column norm), and squashed by a sigmoid into the valid pixel range [0,1]; the model
 * then sees the usual normalisation (p - mean) / std.
 *
 * <p>The chain rule back from the model's input gradient to the spectrum is done here in Java:
 * through the normalisation (1 / std), the sigmoid (p (1 - p)), the colour matrix (its transpose)
 * and the inverse transform (its adjoint, the forward transform with the same scaling). The
 * transform is computed as two dense separable passes with precomputed cosine and sine tables, so
 * any size works (O(HW(H + W)) per channel).
 *
 * <p>Parameters per image: C x H x (W/2 + 1) x 2 (real, imaginary), laid out [C][ky][kx][re, im].
 */
public final class FourierParameterization {
  /** Lucid's {@code color_correlation_svd_sqrt}. */
  static final double[][] COLOR_SQRT = {{0.26, 0.09, 0.02}, {0.27, 0.00, -0.05}, {0.27, -0.09, 0.03}};

  private final int channels;
  private final int height;
  private final int width;
  private final int wf;
  private final boolean decorrelate;
  private final Normalization normalization;
  private final double[] scale;
  private final double[][] colour;
  private final double[] cosY;
  private final double[] sinY;
  private final double[] cosX;
  private final double[] sinX;
  private final double k;

  /**
   * @param chw image shape
   * @param decorrelate mix the channels through Lucid's colour matrix (3 channels only)
   * @param normalization the model's normalisation of pixels in [0,1]
   * @param decayPower the spectrum's scaling 1 / f^decay (Lucid: 1)
   */
  public FourierParameterization(int[] chw, boolean decorrelate, Normalization normalization, double decayPower) {
    this.channels = chw[0];
    this.height = chw[1];
    this.width = chw[2];
    this.wf = width / 2 + 1;
    this.decorrelate = decorrelate && channels == 3;
    this.normalization = normalization;
    this.scale = new double[height * wf];
    double floor = 1.0 / Math.max(width, height);
    for (int ky = 0; ky < height; ky++) {
      double fy = (ky <= (height - 1) / 2 ? ky : ky - height) / (double) height;
      for (int kx = 0; kx < wf; kx++) {
        double fx = kx / (double) width;
        double f = Math.sqrt(fy * fy + fx * fx);
        double m = kx == 0 || (width % 2 == 0 && kx == width / 2) ? 1 : 2;
        scale[ky * wf + kx] = m / Math.pow(Math.max(f, floor), decayPower);
      }
    }
    double maxNorm = 0;
    for (int j = 0; j < 3; j++) {
      double s = 0;
      for (int i = 0; i < 3; i++) {
        s += COLOR_SQRT[i][j] * COLOR_SQRT[i][j];
      }
      maxNorm = Math.max(maxNorm, Math.sqrt(s));
    }
    this.colour = new double[3][3];
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 3; j++) {
        colour[i][j] = COLOR_SQRT[i][j] / maxNorm;
      }
    }
    this.cosY = new double[height * height];
    this.sinY = new double[height * height];
    for (int ky = 0; ky < height; ky++) {
      for (int y = 0; y < height; y++) {
        double a = 2 * Math.PI * ((long) ky * y % height) / height;
        cosY[ky * height + y] = Math.cos(a);
        sinY[ky * height + y] = Math.sin(a);
      }
    }
    this.cosX = new double[wf * width];
    this.sinX = new double[wf * width];
    for (int kx = 0; kx < wf; kx++) {
      for (int x = 0; x < width; x++) {
        double a = 2 * Math.PI * ((long) kx * x % width) / width;
        cosX[kx * width + x] = Math.cos(a);
        sinX[kx * width + x] = Math.sin(a);
      }
    }
    // irfft2's 1/(HW) times Lucid's sqrt(HW) and its division by 4
    this.k = 1.0 / (4 * Math.sqrt((double) height * width));
  }

  /** Variables per image. */
  public int size() {
    return channels * height * wf * 2;
  }

  /** Lucid's start: every spectrum value drawn from N(0, sd^2) (Lucid: sd 0.01). */
  public float[] init(int n, double sd, SplittableRandom rng) {
    float[] p = new float[n * size()];
    for (int i = 0; i < p.length; i++) {
      p[i] = (float) (sd * rng.nextGaussian());
    }
    return p;
  }

  /** The normalised images [n,C,H,W] the variables stand for. */
  public float[] render(float[] params, int n) {
    int plane = height * width;
    double[][] spatial = new double[n * channels][];
    IntStream.range(0, n * channels).parallel().forEach(ic -> {
      int i = ic / channels;
      int c = ic % channels;
      spatial[ic] = inverse(params, (i * channels + c) * height * wf * 2);
    });
    float[] x = new float[n * channels * plane];
    for (int i = 0; i < n; i++) {
      for (int u = 0; u < plane; u++) {
        for (int c = 0; c < channels; c++) {
          double t = 0;
          if (decorrelate) {
            for (int j = 0; j < 3; j++) {
              t += colour[c][j] * spatial[i * channels + j][u];
            }
          } else {
            t = spatial[i * channels + c][u];
          }
          double p = 1 / (1 + Math.exp(-t));
          x[(i * channels + c) * plane + u] = normalization.normalise(c, (float) p);
        }
      }
    }
    return x;
  }

  /**
   * The gradient with respect to the variables of a function whose gradient with respect to the
   * normalised images is {@code gradient}; {@code rendered} is {@link #render}'s output at the same
   * variables.
   */
  public float[] backward(float[] rendered, float[] gradient, int n) {
    int plane = height * width;
    double[][] gs = new double[n * channels][plane];
    for (int i = 0; i < n; i++) {
      for (int u = 0; u < plane; u++) {
        double[] gt = new double[channels];
        for (int c = 0; c < channels; c++) {
          int o = (i * channels + c) * plane + u;
          double p = rendered[o] * normalization.std()[c] + normalization.mean()[c];
          gt[c] = gradient[o] / normalization.std()[c] * p * (1 - p);
        }
        for (int j = 0; j < channels; j++) {
          double g = 0;
          if (decorrelate) {
            for (int c = 0; c < 3; c++) {
              g += colour[c][j] * gt[c];
            }
          } else {
            g = gt[j];
          }
          gs[i * channels + j][u] = g;
        }
      }
    }
    float[] out = new float[n * size()];
    IntStream.range(0, n * channels).parallel().forEach(ic ->
        adjoint(gs[ic], out, ic * height * wf * 2));
    return out;
  }

  /** One channel: spectrum at offset to the spatial image [H*W] before colour and sigmoid. */
  double[] inverse(float[] params, int offset) {
    // stage 1, along x: B[ky][x] = sum_kx A[ky][kx] e^{i psi}
    double[] br = new double[height * width];
    double[] bi = new double[height * width];
    for (int ky = 0; ky < height; ky++) {
      for (int kx = 0; kx < wf; kx++) {
        int q = offset + (ky * wf + kx) * 2;
        double s = scale[ky * wf + kx];
        double ar = params[q] * s;
        double ai = params[q + 1] * s;
        if (ar == 0 && ai == 0) {
          continue;
        }
        int row = ky * width;
        int t = kx * width;
        for (int x = 0; x < width; x++) {
          double c = cosX[t + x];
          double sn = sinX[t + x];
          br[row + x] += ar * c - ai * sn;
          bi[row + x] += ar * sn + ai * c;
        }
      }
    }
    // stage 2, along y: img[y][x] = k Re sum_ky B[ky][x] e^{i phi}
    double[] img = new double[height * width];
    for (int ky = 0; ky < height; ky++) {
      int row = ky * width;
      for (int y = 0; y < height; y++) {
        double c = cosY[ky * height + y] * k;
        double sn = sinY[ky * height + y] * k;
        int o = y * width;
        for (int x = 0; x < width; x++) {
          img[o + x] += br[row + x] * c - bi[row + x] * sn;
        }
      }
    }
    return img;
  }

  /** The adjoint of {@link #inverse}: gradient g [H*W] to the spectrum, written at offset. */
  void adjoint(double[] g, float[] out, int offset) {
    double[] gbr = new double[height * width];
    double[] gbi = new double[height * width];
    for (int ky = 0; ky < height; ky++) {
      int row = ky * width;
      for (int y = 0; y < height; y++) {
        double c = cosY[ky * height + y] * k;
        double sn = sinY[ky * height + y] * k;
        int o = y * width;
        for (int x = 0; x < width; x++) {
          gbr[row + x] += g[o + x] * c;
          gbi[row + x] -= g[o + x] * sn;
        }
      }
    }
    for (int ky = 0; ky < height; ky++) {
      int row = ky * width;
      for (int kx = 0; kx < wf; kx++) {
        int t = kx * width;
        double gr = 0;
        double gi = 0;
        for (int x = 0; x < width; x++) {
          double c = cosX[t + x];
          double sn = sinX[t + x];
          gr += gbr[row + x] * c + gbi[row + x] * sn;
          gi += -gbr[row + x] * sn + gbi[row + x] * c;
        }
        double s = scale[ky * wf + kx];
        int q = offset + (ky * wf + kx) * 2;
        out[q] = (float) (gr * s);
        out[q + 1] = (float) (gi * s);
      }
    }
  }
}
