package dev.lanterne.explain.surrogate;

import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * SLIC superpixels (Achanta et al., TPAMI 2012) as scikit-image's {@code slic} computes them, the
 * segmentation Captum's image tutorials and SynapseML's ImageLIME use: k-means in (CIELAB, x, y)
 * started on a regular grid of about {@code nSegments} centres with spacing S = sqrt(HW / n), each
 * centre searching a 2S x 2S window, distance (d_lab / compactness)^2 + (d_xy / S)^2, ten
 * iterations; then connectivity is enforced (4-connected components smaller than half the average
 * segment size join the neighbouring segment met first in raster order) and labels are renumbered
 * 0..count-1 in raster order. Colour images are converted from sRGB to CIELAB (D65) first; other
 * channel counts are clustered on their raw values. Deterministic.
 *
 * @param nSegments the approximate number of segments (scikit-image's n_segments, default 100)
 * @param compactness colour versus space balance (scikit-image's compactness, default 10): larger gives squarer segments
 * @param iterations k-means iterations (scikit-image's max_num_iter, default 10)
 */
public record Slic(int nSegments, double compactness, int iterations) {
  /** scikit-image's defaults: 100 segments, compactness 10, 10 iterations. */
  public static final Slic DEFAULTS = new Slic(100, 10, 10);

  /**
   * Checks the values.
   *
   * @throws IllegalArgumentException when nSegments or iterations is below 1 or compactness is not positive
   */
  public Slic {
    if (nSegments < 1 || !(compactness > 0) || iterations < 1) {
      throw new IllegalArgumentException("SLIC needs nSegments >= 1, compactness > 0 and iterations >= 1");
    }
  }

  /** Same settings with another number of segments. */
  public Slic withSegments(int n) {
    return new Slic(n, compactness, iterations);
  }

  /** Same settings with another compactness. */
  public Slic withCompactness(double c) {
    return new Slic(nSegments, c, iterations);
  }

  /**
   * Segments an image.
   *
   * @param pixels [C,H,W] in [0,1] (C = 3: sRGB)
   */
  public Segments segment(float[] pixels, int channels, int height, int width) {
    int plane = height * width;
    if (pixels.length != channels * plane) {
      throw new IllegalArgumentException("expected " + channels * plane + " values, got " + pixels.length);
    }
    double[][] feat = channels == 3 ? lab(pixels, plane) : raw(pixels, channels, plane);
    int nc = feat.length;
    // Regular grid of about n centres, spacing S = sqrt(HW / n), each in the middle of its cell.
    double step = Math.sqrt((double) plane / nSegments);
    int rows = (int) Math.max(1, Math.min(height, Math.round(height / step)));
    int cols = (int) Math.max(1, Math.min(width, Math.round(width / step)));
    int k = rows * cols;
    double[][] centre = new double[k][nc + 2];
    int idx = 0;
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        int y = (int) ((r + 0.5) * height / rows);
        int x = (int) ((c + 0.5) * width / cols);
        for (int f = 0; f < nc; f++) {
          centre[idx][f] = feat[f][y * width + x];
        }
        centre[idx][nc] = y;
        centre[idx][nc + 1] = x;
        idx++;
      }
    }
    int sy = (int) Math.ceil((double) height / rows);
    int sx = (int) Math.ceil((double) width / cols);
    double spatial = 1.0 / Math.max(sy, sx);
    double colour = 1.0 / compactness;
    int window = 2 * Math.max(sy, sx);
    int[] label = new int[plane];
    double[] best = new double[plane];
    double[][] sum = new double[k][nc + 2];
    int[] count = new int[k];
    for (int it = 0; it < iterations; it++) {
      Arrays.fill(label, -1);
      Arrays.fill(best, Double.POSITIVE_INFINITY);
      for (int j = 0; j < k; j++) {
        double[] m = centre[j];
        int cy = (int) Math.round(m[nc]);
        int cx = (int) Math.round(m[nc + 1]);
        for (int y = Math.max(0, cy - window); y < Math.min(height, cy + window + 1); y++) {
          double dy = (y - m[nc]) * spatial;
          for (int x = Math.max(0, cx - window); x < Math.min(width, cx + window + 1); x++) {
            double dx = (x - m[nc + 1]) * spatial;
            int u = y * width + x;
            double d = dy * dy + dx * dx;
            for (int f = 0; f < nc; f++) {
              double dc = (feat[f][u] - m[f]) * colour;
              d += dc * dc;
            }
            if (d < best[u]) {
              best[u] = d;
              label[u] = j;
            }
          }
        }
      }
      for (double[] s : sum) {
        Arrays.fill(s, 0);
      }
      Arrays.fill(count, 0);
      for (int y = 0; y < height; y++) {
        for (int x = 0; x < width; x++) {
          int u = y * width + x;
          int j = label[u];
          if (j < 0) {
            continue;
          }
          for (int f = 0; f < nc; f++) {
            sum[j][f] += feat[f][u];
          }
          sum[j][nc] += y;
          sum[j][nc + 1] += x;
          count[j]++;
        }
      }
      for (int j = 0; j < k; j++) {
        if (count[j] > 0) {
          for (int f = 0; f < nc + 2; f++) {
            centre[j][f] = sum[j][f] / count[j];
          }
        }
      }
    }
    // Pixels no window reached (only with degenerate sizes) go to the nearest centre in space.
    for (int u = 0; u < plane; u++) {
      if (label[u] < 0) {
        int y = u / width;
        int x = u % width;
        double bd = Double.POSITIVE_INFINITY;
        for (int j = 0; j < k; j++) {
          double d = Math.hypot(y - centre[j][nc], x - centre[j][nc + 1]);
          if (d < bd) {
            bd = d;
            label[u] = j;
          }
        }
      }
    }
    int minSize = (int) (0.5 * plane / k);
    return connected(label, height, width, minSize);
  }

  /**
   * Relabels 4-connected components in raster order; a component smaller than minSize takes the
   * label of the already-labelled neighbour of its first pixel (scikit-image's
   * _enforce_label_connectivity).
   */
  static Segments connected(int[] label, int height, int width, int minSize) {
    int plane = height * width;
    int[] out = new int[plane];
    Arrays.fill(out, -1);
    int next = 0;
    int[] comp = new int[plane];
    ArrayDeque<Integer> queue = new ArrayDeque<>();
    int[] dy = {-1, 1, 0, 0};
    int[] dx = {0, 0, -1, 1};
    for (int start = 0; start < plane; start++) {
      if (out[start] >= 0) {
        continue;
      }
      int y0 = start / width;
      int x0 = start % width;
      int adjacent = -1;
      for (int d = 0; d < 4; d++) {
        int y = y0 + dy[d];
        int x = x0 + dx[d];
        if (y >= 0 && y < height && x >= 0 && x < width && out[y * width + x] >= 0) {
          adjacent = out[y * width + x];
          break;
        }
      }
      int n = 0;
      out[start] = next;
      comp[n++] = start;
      queue.add(start);
      while (!queue.isEmpty()) {
        int u = queue.poll();
        int uy = u / width;
        int ux = u % width;
        for (int d = 0; d < 4; d++) {
          int y = uy + dy[d];
          int x = ux + dx[d];
          if (y < 0 || y >= height || x < 0 || x >= width) {
            continue;
          }
          int v = y * width + x;
          if (out[v] < 0 && label[v] == label[start]) {
            out[v] = next;
            comp[n++] = v;
            queue.add(v);
          }
        }
      }
      if (n < minSize && adjacent >= 0) {
        for (int i = 0; i < n; i++) {
          out[comp[i]] = adjacent;
        }
      } else {
        next++;
      }
    }
    return new Segments(out, height, width, next);
  }

  private static double[][] raw(float[] pixels, int channels, int plane) {
    double[][] f = new double[channels][plane];
    for (int c = 0; c < channels; c++) {
      for (int u = 0; u < plane; u++) {
        f[c][u] = pixels[c * plane + u] * 100.0;
      }
    }
    return f;
  }

  /** sRGB [0,1] to CIELAB under D65, as scikit-image's rgb2lab. */
  static double[][] lab(float[] pixels, int plane) {
    double[][] f = new double[3][plane];
    for (int u = 0; u < plane; u++) {
      double r = linear(pixels[u]);
      double g = linear(pixels[plane + u]);
      double b = linear(pixels[2 * plane + u]);
      double x = (0.412453 * r + 0.357580 * g + 0.180423 * b) / 0.95047;
      double y = 0.212671 * r + 0.715160 * g + 0.072169 * b;
      double z = (0.019334 * r + 0.119193 * g + 0.950227 * b) / 1.08883;
      double fx = labF(x);
      double fy = labF(y);
      double fz = labF(z);
      f[0][u] = 116 * fy - 16;
      f[1][u] = 500 * (fx - fy);
      f[2][u] = 200 * (fy - fz);
    }
    return f;
  }

  private static double linear(double c) {
    c = Math.min(1, Math.max(0, c));
    return c > 0.04045 ? Math.pow((c + 0.055) / 1.055, 2.4) : c / 12.92;
  }

  private static double labF(double t) {
    return t > 0.008856 ? Math.cbrt(t) : 7.787 * t + 16.0 / 116;
  }
}
