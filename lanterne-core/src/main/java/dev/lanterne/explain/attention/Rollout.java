package dev.lanterne.explain.attention;

import dev.lanterne.LanterneException;
import dev.lanterne.grad.SpatialLayout;
import java.util.List;
import java.util.Locale;

/**
 * The arithmetic of rollout on T x T matrices (row-major double[T*T], rows are queries): head fusion,
 * the rollout product, Chefer's gradient-weighted relevance, and the map read from the class token's row.
 */
public final class Rollout {
  private Rollout() {}

  /** How the heads of one block combine into one matrix. */
  public enum HeadFusion {
    /** The mean over heads (Abnar and Zuidema). */
    MEAN,
    /** The element-wise maximum. */
    MAX,
    /** The element-wise minimum. */
    MIN;

    /** mean, max or min. */
    public static HeadFusion parse(String s) {
      try {
        return valueOf(s.strip().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw LanterneException.usage("unknown head fusion '" + s + "'; use mean, max or min");
      }
    }
  }

  /**
   * One image's heads of one block fused into a T x T matrix.
   *
   * @param a attention [n,heads,T,T]
   * @param image which image
   */
  public static double[] fuse(float[] a, int image, int heads, int tokens, HeadFusion fusion) {
    int plane = tokens * tokens;
    double[] out = new double[plane];
    int base = image * heads * plane;
    for (int p = 0; p < plane; p++) {
      double v = fusion == HeadFusion.MEAN ? 0 : a[base + p];
      for (int h = 0; h < heads; h++) {
        double x = a[base + h * plane + p];
        v = switch (fusion) {
          case MEAN -> v + x / heads;
          case MAX -> Math.max(v, x);
          case MIN -> Math.min(v, x);
        };
      }
      out[p] = v;
    }
    return out;
  }

  /**
   * One image's gradient-weighted attention of one block, Chefer et al.'s {@code mean_h((dA * A)^+)}.
   *
   * @param a attention [n,heads,T,T]
   * @param g its gradient, same layout
   */
  public static double[] gradientWeighted(float[] a, float[] g, int image, int heads, int tokens) {
    int plane = tokens * tokens;
    double[] out = new double[plane];
    int base = image * heads * plane;
    for (int h = 0; h < heads; h++) {
      for (int p = 0; p < plane; p++) {
        int i = base + h * plane + p;
        out[p] += Math.max(0, (double) a[i] * g[i]) / heads;
      }
    }
    return out;
  }

  /**
   * Attention rollout: {@code R = Â_L ... Â_1} with {@code Â = (A + I) / 2} and each row of Â
   * renormalised to sum to 1 (which changes nothing for mean fusion, whose rows already do).
   *
   * @param blocks fused attention per block, first block first
   */
  public static double[] rollout(List<double[]> blocks, int tokens) {
    double[] r = identity(tokens);
    for (double[] a : blocks) {
      double[] hat = new double[a.length];
      for (int i = 0; i < tokens; i++) {
        double sum = 0;
        for (int j = 0; j < tokens; j++) {
          double v = 0.5 * a[i * tokens + j] + (i == j ? 0.5 : 0);
          hat[i * tokens + j] = v;
          sum += v;
        }
        for (int j = 0; j < tokens && sum > 0; j++) {
          hat[i * tokens + j] /= sum;
        }
      }
      r = multiply(hat, r, tokens);
    }
    return r;
  }

  /**
   * Chefer et al.'s relevance: {@code R = I}, then for each block {@code R = R + Ā R} with Ā the
   * gradient-weighted attention of {@link #gradientWeighted}.
   */
  public static double[] relevance(List<double[]> weighted, int tokens) {
    double[] r = identity(tokens);
    for (double[] a : weighted) {
      double[] ar = multiply(a, r, tokens);
      for (int p = 0; p < r.length; p++) {
        r[p] += ar[p];
      }
    }
    return r;
  }

  /**
   * The map over the patch grid read from R: the class token's row (the first token) without the
   * leading tokens' columns, or, for a model without class token, the mean of all rows.
   */
  public static float[] patchMap(double[] r, int tokens, Grid grid) {
    int patches = grid.height() * grid.width();
    float[] map = new float[patches];
    for (int j = 0; j < patches; j++) {
      int col = grid.prefixTokens() + j;
      if (grid.prefixTokens() > 0) {
        map[j] = (float) r[col];
      } else {
        double s = 0;
        for (int i = 0; i < tokens; i++) {
          s += r[i * tokens + col];
        }
        map[j] = (float) (s / tokens);
      }
    }
    return map;
  }

  /**
   * The patch grid of a token sequence: leading tokens, then height x width patches.
   *
   * @param prefixTokens class, distillation or register tokens in front
   * @param height patch rows
   * @param width patch columns
   */
  public record Grid(int prefixTokens, int height, int width) {
    /** The grid for T tokens on an inputH x inputW image, as {@link SpatialLayout} recognises it. */
    public static Grid of(int tokens, int inputH, int inputW) {
      SpatialLayout l = SpatialLayout.of(new long[] {1, tokens, 2}, inputH, inputW).orElseThrow(() ->
          new LanterneException("the attention has " + tokens + " tokens, which is no patch grid of a "
              + inputH + "x" + inputW + " image after at most a few class tokens; rollout needs a ViT-like model"));
      return new Grid(l.prefixTokens(), l.height(), l.width());
    }
  }

  static double[] identity(int tokens) {
    double[] r = new double[tokens * tokens];
    for (int i = 0; i < tokens; i++) {
      r[i * tokens + i] = 1;
    }
    return r;
  }

  /** a b for T x T row-major matrices. */
  static double[] multiply(double[] a, double[] b, int t) {
    double[] out = new double[t * t];
    for (int i = 0; i < t; i++) {
      for (int k = 0; k < t; k++) {
        double aik = a[i * t + k];
        if (aik == 0) {
          continue;
        }
        int bo = k * t;
        int oo = i * t;
        for (int j = 0; j < t; j++) {
          out[oo + j] += aik * b[bo + j];
        }
      }
    }
    return out;
  }
}
