package dev.lanterne.explain.inversion;

/**
 * Lucid's diversity objective ({@code lucid.optvis.objectives.diversity}) over a batch of n images
 * optimised together: each image's activation A_i [C, P] at one layer becomes a vector v_i (its Gram
 * matrix A_i A_i^T, Lucid's choice, or the activation itself), normalised to unit length u_i, and
 *
 * <pre>D = (1/n) sum_i sum_{j != i} &lt;u_i, u_j&gt; = (1/n) (||sum_j u_j||^2 - sum_i ||u_i||^2)</pre>
 *
 * the mean cosine similarity between each image and the others. The ascent subtracts a weight times
 * D, so the images are pushed apart. Its gradient is closed form: dD/du_i = (2/n)(S - u_i) with S the
 * sum of the u_j, through the normalisation (g - u_i &lt;g, u_i&gt;) / ||v_i|| and, for the Gram matrix,
 * dL/dA_i = (M + M^T) A_i with M = dL/dG_i. Lucid normalises with x / sqrt(max(||x||^2, 1e-10));
 * so does this.
 */
public final class Diversity {
  /** Lucid's epsilon inside tf.nn.l2_normalize. */
  static final double EPSILON = 1e-10;

  /** What is compared between images: the layer's Gram matrices (Lucid) or its activations. */
  public enum Kind {
    GRAM,
    ACTIVATION
  }

  /**
   * @param value D
   * @param gradient dD/dA [n, C, P]
   */
  public record Result(double value, float[] gradient) {}

  private Diversity() {}

  /**
   * D and its gradient for activations [n, C, P] (P: positions, 1 for a [N, C] layer).
   *
   * @throws IllegalArgumentException for fewer than 2 images or a wrong length
   */
  public static Result of(float[] activations, int n, int channels, int positions, Kind kind) {
    if (n < 2) {
      throw new IllegalArgumentException("diversity needs a batch of at least 2 images, got " + n);
    }
    int per = channels * positions;
    if (activations.length != n * per) {
      throw new IllegalArgumentException("expected " + n * per + " activation values, got " + activations.length);
    }
    int len = kind == Kind.GRAM ? channels * channels : per;
    double[][] v = new double[n][];
    for (int i = 0; i < n; i++) {
      v[i] = kind == Kind.GRAM ? gram(activations, i * per, channels, positions) : toDouble(activations, i * per, per);
    }
    double[][] u = new double[n][len];
    double[] norm = new double[n];
    double[] s = new double[len];
    double selfSum = 0;
    for (int i = 0; i < n; i++) {
      double sq = 0;
      for (double x : v[i]) {
        sq += x * x;
      }
      norm[i] = Math.sqrt(Math.max(sq, EPSILON));
      for (int j = 0; j < len; j++) {
        u[i][j] = v[i][j] / norm[i];
        s[j] += u[i][j];
        selfSum += u[i][j] * u[i][j];
      }
    }
    double total = 0;
    for (double x : s) {
      total += x * x;
    }
    double value = (total - selfSum) / n;
    float[] grad = new float[n * per];
    for (int i = 0; i < n; i++) {
      // dD/du_i, then back through the normalisation (only the tangential part when it is active)
      double[] g = new double[len];
      double dot = 0;
      for (int j = 0; j < len; j++) {
        g[j] = 2.0 / n * (s[j] - u[i][j]);
        dot += g[j] * u[i][j];
      }
      boolean clamped = norm[i] * norm[i] <= EPSILON;
      double[] gv = new double[len];
      for (int j = 0; j < len; j++) {
        gv[j] = (clamped ? g[j] : g[j] - u[i][j] * dot) / norm[i];
      }
      int base = i * per;
      if (kind == Kind.ACTIVATION) {
        for (int j = 0; j < per; j++) {
          grad[base + j] = (float) gv[j];
        }
      } else {
        // G = A A^T: dL/dA[a][p] = sum_b (M[a][b] + M[b][a]) A[b][p]
        double[] ga = new double[per];
        for (int a = 0; a < channels; a++) {
          for (int b = 0; b < channels; b++) {
            double m = gv[a * channels + b] + gv[b * channels + a];
            if (m == 0) {
              continue;
            }
            int ab = base + b * positions;
            int out = a * positions;
            for (int p = 0; p < positions; p++) {
              ga[out + p] += m * activations[ab + p];
            }
          }
        }
        for (int j = 0; j < per; j++) {
          grad[base + j] = (float) ga[j];
        }
      }
    }
    return new Result(value, grad);
  }

  /** The Gram matrix A A^T [C, C] of one image's activation [C, P]. */
  static double[] gram(float[] a, int offset, int channels, int positions) {
    double[] g = new double[channels * channels];
    for (int x = 0; x < channels; x++) {
      int ox = offset + x * positions;
      for (int y = x; y < channels; y++) {
        int oy = offset + y * positions;
        double sum = 0;
        for (int p = 0; p < positions; p++) {
          sum += (double) a[ox + p] * a[oy + p];
        }
        g[x * channels + y] = sum;
        g[y * channels + x] = sum;
      }
    }
    return g;
  }

  private static double[] toDouble(float[] a, int offset, int len) {
    double[] d = new double[len];
    for (int j = 0; j < len; j++) {
      d[j] = a[offset + j];
    }
    return d;
  }
}
