package dev.lanterne.metrics;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * ROAD, RemOve And Debias (Rong et al., ICML 2022), as pytorch-grad-cam's
 * {@code ROADMostRelevantFirstAverage}, {@code ROADLeastRelevantFirstAverage} and
 * {@code ROADCombined}: remove a fraction q of the pixels, most relevant first (MoRF) or least
 * relevant first (LeRF), and fill them by noisy linear imputation, so that the removal's shape does
 * not leak the ranking; score the class probability of the imputed image, for q = 10%, 20%, ...,
 * 90%. Each curve is reported as the mean change from the original probability; the combined score
 * is (LeRF - MoRF) / 2 (higher is better: removing the most relevant pixels should hurt much more
 * than removing the least relevant).
 *
 * <p>Imputation (pytorch-grad-cam's {@code NoisyLinearImputer}): each removed pixel's value, per
 * channel of the normalised input, is the weighted mean of its 8 neighbours (weight 1/6 for the
 * four direct ones, 1/12 for the diagonals, neighbours outside the image left out), kept pixels
 * fixed; the resulting sparse symmetric positive-definite system is solved here by conjugate
 * gradients with a Jacobi preconditioner, started from the same problem solved at half resolution
 * (cascadic CG), until no Jacobi step would move a pixel by more than 1e-3 (where pytorch-grad-cam
 * calls scipy's direct spsolve); then Gaussian noise of standard deviation 0.01 is added to the
 * imputed values.
 */
public final class Road {
  /**
   * Settings of the metric.
   *
   * @param fractions removed fractions (pytorch-grad-cam's percentiles 10..90)
   * @param noise imputation noise standard deviation (0.01)
   * @param seed seed of the noise
   */
  public record Settings(double[] fractions, double noise, long seed) {
    /** 10% to 90% in steps of 10%, noise 0.01, seed 0. */
    public static final Settings DEFAULTS = new Settings(new double[] {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9},
        0.01, 0);

    /**
     * Copies the fractions.
     *
     * @throws IllegalArgumentException when a fraction is outside (0,1) or noise is negative or NaN
     */
    public Settings {
      fractions = fractions.clone();
      for (double f : fractions) {
        if (!(f > 0 && f < 1)) {
          throw new IllegalArgumentException("ROAD fractions must lie in (0,1), got " + f);
        }
      }
      if (!(noise >= 0)) {
        throw new IllegalArgumentException("ROAD noise must be >= 0");
      }
    }

    @Override
    public double[] fractions() {
      return fractions.clone();
    }
  }

  /**
   * Both curves of one map.
   *
   * @param morf probability change per fraction, most relevant removed first
   * @param lerf probability change per fraction, least relevant removed first
   */
  public record Result(double[] morf, double[] lerf) {
    /** Mean MoRF change (lower is better). */
    public double morfMean() {
      return Arrays.stream(morf).average().orElse(Double.NaN);
    }

    /** Mean LeRF change (higher is better). */
    public double lerfMean() {
      return Arrays.stream(lerf).average().orElse(Double.NaN);
    }

    /** (LeRF - MoRF) / 2, pytorch-grad-cam's ROADCombined. */
    public double combined() {
      return (lerfMean() - morfMean()) / 2;
    }
  }

  private static final int[][] NEIGHBOURS = {{-1, -1}, {-1, 0}, {-1, 1}, {0, -1}, {0, 1}, {1, -1}, {1, 0}, {1, 1}};
  private static final double[] WEIGHTS = {1 / 12.0, 1 / 6.0, 1 / 12.0, 1 / 6.0, 1 / 6.0, 1 / 12.0, 1 / 6.0, 1 / 12.0};

  /** Largest residual / diagonal at which conjugate gradients stop, in input units. */
  private static final double TOLERANCE = 1e-3;

  private final BatchScorer model;
  private final int[] chw;
  private final boolean outputsProbabilities;
  private final Settings settings;

  /**
   * @param model raw outputs of normalised inputs
   * @param chw one image's shape
   * @param outputsProbabilities whether the outputs are probabilities already (else softmax)
   */
  public Road(BatchScorer model, int[] chw, boolean outputsProbabilities, Settings settings) {
    this.model = model;
    this.chw = chw.clone();
    this.outputsProbabilities = outputsProbabilities;
    this.settings = settings;
  }

  /**
   * @param image normalised [C,H,W]
   * @param map attribution [H,W] (higher: more relevant)
   */
  public Result evaluate(float[] image, float[] map, int classIndex) {
    int plane = chw[1] * chw[2];
    int per = chw[0] * plane;
    Integer[] idx = new Integer[plane];
    for (int u = 0; u < plane; u++) {
      idx[u] = u;
    }
    // most relevant first; ties broken by index so the order is deterministic
    Arrays.sort(idx, (a, b) -> map[a] != map[b] ? Float.compare(map[b], map[a]) : Integer.compare(a, b));
    double[] fr = settings.fractions();
    int m = fr.length;
    float[] batch = new float[(2 * m + 1) * per];
    System.arraycopy(image, 0, batch, 0, per);
    SplittableRandom rnd = new SplittableRandom(settings.seed() ^ 0x20ADL);
    for (int j = 0; j < m; j++) {
      int count = (int) Math.round(fr[j] * plane);
      boolean[] morf = new boolean[plane];
      boolean[] lerf = new boolean[plane];
      for (int r = 0; r < count; r++) {
        morf[idx[r]] = true;
        lerf[idx[plane - 1 - r]] = true;
      }
      System.arraycopy(impute(image, morf, rnd), 0, batch, (1 + j) * per, per);
      System.arraycopy(impute(image, lerf, rnd), 0, batch, (1 + m + j) * per, per);
    }
    float[] raw = model.run(batch, 2 * m + 1);
    int k = raw.length / (2 * m + 1);
    if (!outputsProbabilities) {
      dev.lanterne.tensor.Softmax.rowsInPlace(raw, 2 * m + 1, k);
    }
    double base = raw[classIndex];
    double[] mo = new double[m];
    double[] le = new double[m];
    for (int j = 0; j < m; j++) {
      mo[j] = raw[(1 + j) * k + classIndex] - base;
      le[j] = raw[(1 + m + j) * k + classIndex] - base;
    }
    return new Result(mo, le);
  }

  /** The image with the removed pixels imputed (linear system plus noise), every channel. */
  float[] impute(float[] image, boolean[] removed, SplittableRandom rnd) {
    int h = chw[1];
    int w = chw[2];
    int plane = h * w;
    double[][] v = new double[chw[0]][plane];
    for (int c = 0; c < chw[0]; c++) {
      for (int u = 0; u < plane; u++) {
        v[c][u] = image[c * plane + u];
      }
    }
    double[][] sol = harmonic(v, removed, h, w);
    float[] out = image.clone();
    for (int c = 0; c < chw[0]; c++) {
      for (int u = 0; u < plane; u++) {
        if (removed[u]) {
          double noise = settings.noise() == 0 ? 0 : settings.noise() * gaussian(rnd);
          out[c * plane + u] = (float) (sol[c][u] + noise);
        }
      }
    }
    return out;
  }

  /**
   * Solves the imputation system for every channel (they share the matrix). The starting point
   * comes from the same problem at half resolution (a coarse pixel is known when any of its four
   * is, with their mean), solved recursively and upsampled bilinearly: conjugate gradients then only
   * correct the fine detail instead of diffusing the boundary values across large holes pixel by
   * pixel (cascadic CG).
   */
  static double[][] harmonic(double[][] v, boolean[] removed, int h, int w) {
    int channels = v.length;
    int plane = h * w;
    int[] id = new int[plane];
    Arrays.fill(id, -1);
    int n = 0;
    for (int u = 0; u < plane; u++) {
      if (removed[u]) {
        id[u] = n++;
      }
    }
    double[][] out = new double[channels][];
    for (int c = 0; c < channels; c++) {
      out[c] = v[c].clone();
    }
    if (n == 0 || n == plane) {
      return out;
    }
    int[] pix = new int[n];
    for (int u = 0; u < plane; u++) {
      if (id[u] >= 0) {
        pix[id[u]] = u;
      }
    }
    double[][] x = new double[channels][n];
    if (h >= 4 && w >= 4 && n > 16) {
      int ch = (h + 1) / 2;
      int cw = (w + 1) / 2;
      double[][] cv = new double[channels][ch * cw];
      int[] known = new int[ch * cw];
      for (int y = 0; y < h; y++) {
        for (int xx = 0; xx < w; xx++) {
          int u = y * w + xx;
          if (!removed[u]) {
            int cu = (y / 2) * cw + xx / 2;
            known[cu]++;
            for (int c = 0; c < channels; c++) {
              cv[c][cu] += v[c][u];
            }
          }
        }
      }
      boolean[] cr = new boolean[ch * cw];
      for (int cu = 0; cu < known.length; cu++) {
        cr[cu] = known[cu] == 0;
        for (int c = 0; c < channels && !cr[cu]; c++) {
          cv[c][cu] /= known[cu];
        }
      }
      double[][] coarse = harmonic(cv, cr, ch, cw);
      for (int i = 0; i < n; i++) {
        // bilinear, coarse pixel j centred at fine coordinate 2j + 0.5
        double fy = Math.min(Math.max((pix[i] / w - 0.5) / 2, 0), ch - 1);
        double fx = Math.min(Math.max((pix[i] % w - 0.5) / 2, 0), cw - 1);
        int y0 = (int) fy;
        int x0 = (int) fx;
        int y1 = Math.min(y0 + 1, ch - 1);
        int x1 = Math.min(x0 + 1, cw - 1);
        double ty = fy - y0;
        double tx = fx - x0;
        for (int c = 0; c < channels; c++) {
          double[] g = coarse[c];
          x[c][i] = (1 - ty) * ((1 - tx) * g[y0 * cw + x0] + tx * g[y0 * cw + x1])
              + ty * ((1 - tx) * g[y1 * cw + x0] + tx * g[y1 * cw + x1]);
        }
      }
    }
    // A: diagonal = sum of in-image neighbour weights; off-diagonal -w for removed neighbours
    double[] diag = new double[n];
    int[] nbr = new int[n * 8];
    double[] nbw = new double[n * 8];
    Arrays.fill(nbr, -1);
    double[][] b = new double[channels][n];
    for (int i = 0; i < n; i++) {
      int y = pix[i] / w;
      int xx = pix[i] % w;
      for (int t = 0; t < 8; t++) {
        int yy = y + NEIGHBOURS[t][0];
        int xn = xx + NEIGHBOURS[t][1];
        if (yy < 0 || yy >= h || xn < 0 || xn >= w) {
          continue;
        }
        int q = yy * w + xn;
        diag[i] += WEIGHTS[t];
        if (id[q] >= 0) {
          nbr[i * 8 + t] = id[q];
          nbw[i * 8 + t] = WEIGHTS[t];
        } else {
          for (int c = 0; c < channels; c++) {
            b[c][i] += WEIGHTS[t] * v[c][q];
          }
        }
      }
    }
    for (int c = 0; c < channels; c++) {
      double[] sol = conjugateGradient(diag, nbr, nbw, b[c], x[c]);
      for (int i = 0; i < n; i++) {
        out[c][pix[i]] = sol[i];
      }
    }
    return out;
  }

  private static double[] conjugateGradient(double[] diag, int[] nbr, double[] nbw, double[] b, double[] x) {
    int n = b.length;
    double[] r = new double[n];
    double[] ax = multiply(diag, nbr, nbw, x);
    for (int i = 0; i < n; i++) {
      r[i] = b[i] - ax[i];
    }
    double[] z = new double[n];
    double[] p = new double[n];
    double rz = 0;
    for (int i = 0; i < n; i++) {
      z[i] = r[i] / diag[i];
      p[i] = z[i];
      rz += r[i] * z[i];
    }
    for (int it = 0; it < 10 * n + 100; it++) {
      // stop when a Jacobi step would move no pixel by more than the tolerance (the noise is 0.01)
      double worst = 0;
      for (int i = 0; i < n; i++) {
        worst = Math.max(worst, Math.abs(z[i]));
      }
      if (worst <= TOLERANCE) {
        break;
      }
      double[] ap = multiply(diag, nbr, nbw, p);
      double pap = 0;
      for (int i = 0; i < n; i++) {
        pap += p[i] * ap[i];
      }
      if (!(pap > 0)) {
        break;
      }
      double alpha = rz / pap;
      double rzNew = 0;
      for (int i = 0; i < n; i++) {
        x[i] += alpha * p[i];
        r[i] -= alpha * ap[i];
        z[i] = r[i] / diag[i];
        rzNew += r[i] * z[i];
      }
      double beta = rzNew / rz;
      rz = rzNew;
      for (int i = 0; i < n; i++) {
        p[i] = z[i] + beta * p[i];
      }
    }
    return x;
  }

  private static double[] multiply(double[] diag, int[] nbr, double[] nbw, double[] v) {
    double[] out = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      double s = diag[i] * v[i];
      int o = i * 8;
      for (int t = 0; t < 8; t++) {
        int j = nbr[o + t];
        if (j >= 0) {
          s -= nbw[o + t] * v[j];
        }
      }
      out[i] = s;
    }
    return out;
  }

  private static double gaussian(SplittableRandom r) {
    double u1 = r.nextDouble();
    double u2 = r.nextDouble();
    return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
  }
}
