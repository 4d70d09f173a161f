package dev.lanterne.explain.surrogate;

import java.util.Locale;

/**
 * Weighted linear regression with an intercept, the interpretable model of LIME and KernelSHAP,
 * solved here in a few lines rather than through a linear-algebra dependency (the systems are
 * segments x segments, about 100 x 100):
 * <ul>
 *   <li>{@link Regularizer#RIDGE}: minimises sum_i w_i (y_i - b - x_i.beta)^2 + alpha |beta|^2
 *       (scikit-learn's {@code Ridge(alpha)} with sample weights, the lime package's default with
 *       alpha = 1). Solver: weighted centring, then the normal equations (X^T W X + alpha I) beta =
 *       X^T W y by Cholesky decomposition in double precision.</li>
 *   <li>{@link Regularizer#LASSO}: minimises (1 / (2 sum w)) sum_i w_i (y_i - b - x_i.beta)^2 +
 *       alpha |beta|_1 (scikit-learn's {@code Lasso(alpha)} with sample weights, Captum's LIME
 *       default with alpha = 0.01). Solver: cyclic coordinate descent with soft thresholding on
 *       the centred data, until no coefficient moves by more than 1e-9 (at most 10,000 sweeps).</li>
 *   <li>{@link Regularizer#NONE}: weighted least squares (scikit-learn's {@code LinearRegression},
 *       KernelSHAP's model), solved as ridge with alpha = 1e-9 x the mean diagonal so that fewer
 *       samples than segments still give a solution: the ridge limit is the minimum-norm least-squares
 *       solution scikit-learn's lstsq returns.</li>
 * </ul>
 *
 * @param regularizer the penalty
 * @param alpha its weight (ignored for NONE)
 */
public record WeightedLinearFit(Regularizer regularizer, double alpha) {
  /** The penalty on the coefficients. */
  public enum Regularizer {
    /** Squared L2 penalty. */
    RIDGE,
    /** L1 penalty. */
    LASSO,
    /** No penalty: weighted least squares. */
    NONE;

    /** Parses "ridge", "lasso" or "none". */
    public static Regularizer parse(String s) {
      return valueOf(s.strip().toUpperCase(Locale.ROOT));
    }
  }

  /**
   * The fitted model.
   *
   * @param coefficients one per feature
   * @param intercept the constant
   * @param r2 weighted coefficient of determination on the fitted samples
   */
  public record Model(double[] coefficients, double intercept, double r2) {}

  /**
   * Checks the values.
   *
   * @throws IllegalArgumentException when the regularizer is null or alpha is negative or NaN
   */
  public WeightedLinearFit {
    if (regularizer == null || !(alpha >= 0)) {
      throw new IllegalArgumentException("a fit needs a regularizer and alpha >= 0");
    }
  }

  /**
   * Fits y ~ b + X beta.
   *
   * @param x samples [n][d]
   * @param y targets [n]
   * @param w sample weights [n], non-negative, not all zero
   */
  public Model fit(double[][] x, double[] y, double[] w) {
    int n = x.length;
    int d = n == 0 ? 0 : x[0].length;
    double sw = 0;
    double[] mx = new double[d];
    double my = 0;
    for (int i = 0; i < n; i++) {
      sw += w[i];
      my += w[i] * y[i];
      for (int j = 0; j < d; j++) {
        mx[j] += w[i] * x[i][j];
      }
    }
    if (!(sw > 0)) {
      throw new IllegalArgumentException("the sample weights sum to zero");
    }
    my /= sw;
    for (int j = 0; j < d; j++) {
      mx[j] /= sw;
    }
    double[][] xc = new double[n][d];
    double[] yc = new double[n];
    for (int i = 0; i < n; i++) {
      yc[i] = y[i] - my;
      for (int j = 0; j < d; j++) {
        xc[i][j] = x[i][j] - mx[j];
      }
    }
    double[] beta = regularizer == Regularizer.LASSO ? lasso(xc, yc, w, sw, d) : ridge(xc, yc, w, d);
    double b = my;
    for (int j = 0; j < d; j++) {
      b -= mx[j] * beta[j];
    }
    double rss = 0;
    double tss = 0;
    for (int i = 0; i < n; i++) {
      double p = 0;
      for (int j = 0; j < d; j++) {
        p += xc[i][j] * beta[j];
      }
      rss += w[i] * (yc[i] - p) * (yc[i] - p);
      tss += w[i] * yc[i] * yc[i];
    }
    return new Model(beta, b, tss > 0 ? 1 - rss / tss : 1);
  }

  private double[] ridge(double[][] xc, double[] yc, double[] w, int d) {
    double[][] a = new double[d][d];
    double[] r = new double[d];
    for (int i = 0; i < xc.length; i++) {
      double[] xi = xc[i];
      for (int j = 0; j < d; j++) {
        double wx = w[i] * xi[j];
        if (wx == 0) {
          continue;
        }
        r[j] += wx * yc[i];
        for (int k = 0; k <= j; k++) {
          a[j][k] += wx * xi[k];
        }
      }
    }
    double trace = 0;
    for (int j = 0; j < d; j++) {
      trace += a[j][j];
    }
    double lambda = regularizer == Regularizer.RIDGE ? alpha : 1e-9 * Math.max(trace / Math.max(d, 1), 1e-300);
    for (int j = 0; j < d; j++) {
      a[j][j] += lambda;
    }
    return cholesky(a, r, d);
  }

  /** Solves A z = r for symmetric positive definite A (lower triangle filled). */
  static double[] cholesky(double[][] a, double[] r, int d) {
    double[][] l = new double[d][d];
    for (int j = 0; j < d; j++) {
      double s = a[j][j];
      for (int k = 0; k < j; k++) {
        s -= l[j][k] * l[j][k];
      }
      l[j][j] = Math.sqrt(Math.max(s, 1e-300));
      for (int i = j + 1; i < d; i++) {
        double t = a[i][j];
        for (int k = 0; k < j; k++) {
          t -= l[i][k] * l[j][k];
        }
        l[i][j] = t / l[j][j];
      }
    }
    double[] z = new double[d];
    for (int i = 0; i < d; i++) {
      double s = r[i];
      for (int k = 0; k < i; k++) {
        s -= l[i][k] * z[k];
      }
      z[i] = s / l[i][i];
    }
    for (int i = d - 1; i >= 0; i--) {
      double s = z[i];
      for (int k = i + 1; k < d; k++) {
        s -= l[k][i] * z[k];
      }
      z[i] = s / l[i][i];
    }
    return z;
  }

  private double[] lasso(double[][] xc, double[] yc, double[] w, double sw, int d) {
    int n = xc.length;
    double[] beta = new double[d];
    double[] res = yc.clone();
    double[] norm = new double[d];
    for (int j = 0; j < d; j++) {
      for (int i = 0; i < n; i++) {
        norm[j] += w[i] * xc[i][j] * xc[i][j];
      }
      norm[j] /= sw;
    }
    for (int sweep = 0; sweep < 10_000; sweep++) {
      double moved = 0;
      for (int j = 0; j < d; j++) {
        if (norm[j] == 0) {
          continue;
        }
        double rho = 0;
        for (int i = 0; i < n; i++) {
          rho += w[i] * xc[i][j] * (res[i] + xc[i][j] * beta[j]);
        }
        rho /= sw;
        double nb = Math.signum(rho) * Math.max(Math.abs(rho) - alpha, 0) / norm[j];
        double delta = nb - beta[j];
        if (delta != 0) {
          for (int i = 0; i < n; i++) {
            res[i] -= xc[i][j] * delta;
          }
          beta[j] = nb;
          moved = Math.max(moved, Math.abs(delta));
        }
      }
      if (moved < 1e-9) {
        break;
      }
    }
    return beta;
  }
}
