package dev.lanterne.explain.perturbation;

import dev.lanterne.LanterneException;
import java.util.Arrays;
import java.util.SplittableRandom;

/** Occlusion's deterministic masks: all ones except one window of zeros, in raster order. */
final class OcclusionMasks implements MaskGenerator {
  private final int height;
  private final int width;
  private final int window;
  private final int[] ys;
  private final int[] xs;

  OcclusionMasks(int height, int width, int window, int stride) {
    if (window > height || window > width) {
      throw LanterneException.usage("window", "occlusion window " + window + " is larger than the " + height + "x"
          + width + " input; choose a smaller window");
    }
    this.height = height;
    this.width = width;
    this.window = window;
    this.ys = positions(height, window, stride);
    this.xs = positions(width, window, stride);
  }

  /** 0, stride, 2 stride ... and a last start flush with the far edge. */
  static int[] positions(int size, int window, int stride) {
    int last = size - window;
    int n = last / stride + 1;
    boolean flush = last % stride != 0;
    int[] p = new int[n + (flush ? 1 : 0)];
    for (int i = 0; i < n; i++) {
      p[i] = i * stride;
    }
    if (flush) {
      p[n] = last;
    }
    return p;
  }

  int count() {
    return ys.length * xs.length;
  }

  int top(long index) {
    return ys[(int) (index / xs.length)];
  }

  int left(long index) {
    return xs[(int) (index % xs.length)];
  }

  int window() {
    return window;
  }

  @Override
  public void fill(long index, SplittableRandom rng, float[] out, int offset) {
    Arrays.fill(out, offset, offset + height * width, 1f);
    int y0 = top(index);
    int x0 = left(index);
    for (int y = y0; y < y0 + window; y++) {
      Arrays.fill(out, offset + y * width + x0, offset + y * width + x0 + window, 0f);
    }
  }

  @Override
  public double meanValue() {
    return 1.0;
  }
}
