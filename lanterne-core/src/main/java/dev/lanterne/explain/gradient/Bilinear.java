package dev.lanterne.explain.gradient;

/**
 * Bilinear resizing of a [h,w] map with PyTorch's {@code F.interpolate(mode="bilinear",
 * align_corners=False)} semantics: output pixel centres map to {@code (i + 0.5) * in/out - 0.5} in
 * the source, clamped at 0, and neighbours beyond the last row or column repeat the edge.
 */
public final class Bilinear {
  private Bilinear() {}

  /**
   * Resizes a row-major map [h,w] to a new array [outH,outW].
   *
   * @throws IllegalArgumentException when src does not hold h*w values
   */
  public static float[] resize(float[] src, int h, int w, int outH, int outW) {
    if (src.length != h * w) {
      throw new IllegalArgumentException("map has " + src.length + " values, not " + h + "x" + w);
    }
    int[] y0 = new int[outH];
    int[] y1 = new int[outH];
    float[] fy = new float[outH];
    sourceIndices(h, outH, y0, y1, fy);
    int[] x0 = new int[outW];
    int[] x1 = new int[outW];
    float[] fx = new float[outW];
    sourceIndices(w, outW, x0, x1, fx);
    float[] out = new float[outH * outW];
    for (int i = 0; i < outH; i++) {
      int r0 = y0[i] * w;
      int r1 = y1[i] * w;
      float wy = fy[i];
      for (int j = 0; j < outW; j++) {
        float top = src[r0 + x0[j]] * (1 - fx[j]) + src[r0 + x1[j]] * fx[j];
        float bottom = src[r1 + x0[j]] * (1 - fx[j]) + src[r1 + x1[j]] * fx[j];
        out[i * outW + j] = top * (1 - wy) + bottom * wy;
      }
    }
    return out;
  }

  private static void sourceIndices(int in, int out, int[] lo, int[] hi, float[] frac) {
    float scale = (float) in / out;
    for (int i = 0; i < out; i++) {
      float s = Math.max(0f, (i + 0.5f) * scale - 0.5f);
      int i0 = Math.min((int) s, in - 1);
      lo[i] = i0;
      hi[i] = Math.min(i0 + 1, in - 1);
      frac[i] = s - i0;
    }
  }
}
