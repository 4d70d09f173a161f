package dev.lanterne.explain.inversion;

import java.awt.geom.AffineTransform;
import java.awt.geom.NoninvertibleTransformException;
import java.awt.geom.Point2D;

/**
 * The random transforms applied to the image before a step: an integer circular shift (undone
 * exactly by the opposite shift) and, optionally, a small scaling and rotation about the centre,
 * resampled bilinearly with mirrored borders.
 */
public final class Jitter {
  private Jitter() {}

  /**
   * Circular shift of each [C,H,W] image by (dx, dy) pixels: out[y][x] = in[y - dy][x - dx], wrapping
   * around. Shifting by (-dx, -dy) undoes it exactly.
   */
  public static float[] roll(float[] x, int n, int channels, int height, int width, int dx, int dy) {
    float[] out = new float[x.length];
    int planes = n * channels;
    int sx = Math.floorMod(dx, width);
    int sy = Math.floorMod(dy, height);
    for (int p = 0; p < planes; p++) {
      int base = p * height * width;
      for (int y = 0; y < height; y++) {
        int src = base + Math.floorMod(y - sy, height) * width;
        int dst = base + y * width;
        // two contiguous runs per row: [sx, W) <- [0, W - sx) and [0, sx) <- [W - sx, W)
        System.arraycopy(x, src, out, dst + sx, width - sx);
        System.arraycopy(x, src + width - sx, out, dst, sx);
      }
    }
    return out;
  }

  /**
   * The affine map from source pixel centres to destination pixel centres: scale by s and rotate by
   * angle (radians) about the image centre, then shift by (dx, dy).
   */
  public static AffineTransform transform(int height, int width, float scale, float angle, float dx, float dy) {
    float cx = (width - 1) / 2f;
    float cy = (height - 1) / 2f;
    AffineTransform m = AffineTransform.getTranslateInstance(cx + dx, cy + dy);
    m.rotate(angle);
    m.scale(scale, scale);
    m.translate(-cx, -cy);
    return m;
  }

  /** The inverse map; the jitter's maps (scale &gt; 0) always have one. */
  public static AffineTransform inverse(AffineTransform m) {
    try {
      return m.createInverse();
    } catch (NoninvertibleTransformException e) {
      throw new IllegalArgumentException("the jitter's transform is not invertible (scale 0?)", e);
    }
  }

  /**
   * Resamples each [C,H,W] image so that out(p) = in(m^-1 p): the image content moves by m.
   * Bilinear interpolation; positions outside the image are mirrored back in (reflect border).
   */
  public static float[] warp(float[] x, int n, int channels, int height, int width, AffineTransform m) {
    AffineTransform inv = inverse(m);
    int plane = height * width;
    int[] i00 = new int[plane];
    int[] i01 = new int[plane];
    int[] i10 = new int[plane];
    int[] i11 = new int[plane];
    float[] fx = new float[plane];
    float[] fy = new float[plane];
    Point2D.Double v = new Point2D.Double();
    for (int y = 0; y < height; y++) {
      for (int xx = 0; xx < width; xx++) {
        v.setLocation(xx, y);
        inv.transform(v, v);
        int x0 = (int) Math.floor(v.x);
        int y0 = (int) Math.floor(v.y);
        int p = y * width + xx;
        fx[p] = (float) (v.x - x0);
        fy[p] = (float) (v.y - y0);
        int ax = reflect(x0, width);
        int bx = reflect(x0 + 1, width);
        int ay = reflect(y0, height) * width;
        int by = reflect(y0 + 1, height) * width;
        i00[p] = ay + ax;
        i01[p] = ay + bx;
        i10[p] = by + ax;
        i11[p] = by + bx;
      }
    }
    float[] out = new float[x.length];
    for (int q = 0; q < n * channels; q++) {
      int b = q * plane;
      for (int p = 0; p < plane; p++) {
        float top = x[b + i00[p]] + fx[p] * (x[b + i01[p]] - x[b + i00[p]]);
        float bot = x[b + i10[p]] + fx[p] * (x[b + i11[p]] - x[b + i10[p]]);
        out[b + p] = top + fy[p] * (bot - top);
      }
    }
    return out;
  }

  /** Mirrors an index into [0, n) without repeating the edge (d c b | a b c d | c b a). */
  static int reflect(int i, int n) {
    if (n == 1) {
      return 0;
    }
    int period = 2 * (n - 1);
    int j = Math.floorMod(i, period);
    return j < n ? j : period - j;
  }
}
