package dev.lanterne.explain.gradient;

/**
 * pytorch-grad-cam's {@code get_2d_projection}: the activations of one image as a matrix X
 * [positions, channels], centred per channel over the positions, projected on their first right
 * singular vector v: {@code map = (X - mean) v}. The singular vector is found by power iteration on the
 * smaller of the two Gram matrices, in double precision. An SVD leaves the sign of v free (numpy's
 * choice is an accident of LAPACK); here it is fixed so that the map correlates positively with the
 * plain channel sum of X, i.e. it points the same way as the un-smoothed CAM.
 */
public final class PrincipalComponent {
  private static final int MAX_ITERATIONS = 5000;
  private static final double TOLERANCE = 1e-13;

  private PrincipalComponent() {}

  /**
   * @param values [channels, plane] (channel-major, as an activation)
   * @return the projection on the first principal component, [plane]
   */
  public static float[] projection(float[] values, int channels, int plane) {
    double[][] x = new double[channels][plane];
    for (int k = 0; k < channels; k++) {
      double mean = 0;
      for (int p = 0; p < plane; p++) {
        mean += values[k * plane + p];
      }
      mean /= plane;
      for (int p = 0; p < plane; p++) {
        double v = values[k * plane + p];
        x[k][p] = Double.isFinite(v) ? v - mean : 0;
      }
    }
    double[] proj = new double[plane];
    if (channels <= plane) {
      double[] v = topEigenvector(gram(x, channels, plane, true));
      for (int k = 0; k < channels; k++) {
        for (int p = 0; p < plane; p++) {
          proj[p] += x[k][p] * v[k];
        }
      }
    } else {
      // X v = sigma u, with u the top eigenvector of X X^T and sigma^2 its eigenvalue
      double[][] g = gram(x, channels, plane, false);
      double[] u = topEigenvector(g);
      double lambda = rayleigh(g, u);
      double sigma = Math.sqrt(Math.max(lambda, 0));
      for (int p = 0; p < plane; p++) {
        proj[p] = sigma * u[p];
      }
    }
    double dot = 0;
    for (int p = 0; p < plane; p++) {
      double s = 0;
      for (int k = 0; k < channels; k++) {
        double v = values[k * plane + p];
        s += Double.isFinite(v) ? v : 0;
      }
      dot += s * proj[p];
    }
    float[] out = new float[plane];
    for (int p = 0; p < plane; p++) {
      out[p] = (float) (dot < 0 ? -proj[p] : proj[p]);
    }
    return out;
  }

  /** X^T X over channels ([channels, channels]) or X X^T over positions ([plane, plane]). */
  private static double[][] gram(double[][] x, int channels, int plane, boolean overChannels) {
    int m = overChannels ? channels : plane;
    double[][] g = new double[m][m];
    if (overChannels) {
      for (int a = 0; a < channels; a++) {
        for (int b = a; b < channels; b++) {
          double s = 0;
          for (int p = 0; p < plane; p++) {
            s += x[a][p] * x[b][p];
          }
          g[a][b] = s;
          g[b][a] = s;
        }
      }
    } else {
      for (int k = 0; k < channels; k++) {
        double[] row = x[k];
        for (int a = 0; a < plane; a++) {
          double ra = row[a];
          if (ra == 0) {
            continue;
          }
          for (int b = 0; b < plane; b++) {
            g[a][b] += ra * row[b];
          }
        }
      }
    }
    return g;
  }

  /** The unit eigenvector of the largest eigenvalue of a symmetric positive semi-definite matrix. */
  static double[] topEigenvector(double[][] g) {
    int m = g.length;
    double[] v = new double[m];
    for (int i = 0; i < m; i++) {
      // a start with no special structure: not orthogonal to the top eigenvector in practice
      v[i] = 1 + 0.5 * Math.sin(1.7 * i + 0.3);
    }
    normalise(v);
    double[] next = new double[m];
    for (int it = 0; it < MAX_ITERATIONS; it++) {
      for (int i = 0; i < m; i++) {
        double s = 0;
        double[] row = g[i];
        for (int j = 0; j < m; j++) {
          s += row[j] * v[j];
        }
        next[i] = s;
      }
      if (normalise(next) == 0) {
        return v;
      }
      double change = 0;
      for (int i = 0; i < m; i++) {
        change = Math.max(change, Math.abs(next[i] - v[i]));
      }
      System.arraycopy(next, 0, v, 0, m);
      if (change < TOLERANCE) {
        break;
      }
    }
    return v;
  }

  private static double rayleigh(double[][] g, double[] v) {
    double s = 0;
    for (int i = 0; i < v.length; i++) {
      double r = 0;
      for (int j = 0; j < v.length; j++) {
        r += g[i][j] * v[j];
      }
      s += v[i] * r;
    }
    return s;
  }

  private static double normalise(double[] v) {
    double n = 0;
    for (double d : v) {
      n += d * d;
    }
    n = Math.sqrt(n);
    if (n > 0) {
      for (int i = 0; i < v.length; i++) {
        v[i] /= n;
      }
    }
    return n;
  }
}
