package dev.lanterne.grad;

import java.util.Optional;

/**
 * How an activation holds a spatial map, recognised from its shape at batch 1 and the input size:
 * channels first [N,C,h,w] (CNNs), channels last [N,h,w,C] (Swin, ConvNeXt blocks, Keras models),
 * or tokens [N,P+h*w,C] (ViT, DeiT: P leading class or distillation tokens, then the patch tokens
 * row by row). Grad-CAM reads every layout as [N,C,h,w]; see {@link GradientCompiler}.
 *
 * @param kind which layout
 * @param prefixTokens leading non-patch tokens dropped from a token layout (0 otherwise)
 * @param channels C
 * @param height h of the spatial map
 * @param width w of the spatial map
 */
public record SpatialLayout(Kind kind, int prefixTokens, int channels, int height, int width) {
  /** The three layouts. */
  public enum Kind {
    /** [N,C,h,w]. */
    NCHW,
    /** [N,h,w,C]. */
    NHWC,
    /** [N,P+h*w,C]. */
    TOKENS
  }

  /** At most this many leading tokens (class, distillation, register tokens) are recognised. */
  static final int MAX_PREFIX_TOKENS = 8;

  /**
   * The layout of a tensor of shape {@code dims} at batch 1 in a model whose image input is
   * {@code inputH} x {@code inputW}, or empty when the tensor holds no recognisable map bigger than 1x1.
   */
  public static Optional<SpatialLayout> of(long[] dims, long inputH, long inputW) {
    if (dims.length < 3 || dims[0] != 1) {
      return Optional.empty();
    }
    if (dims.length == 4) {
      boolean firstLike = consistent(dims[2], dims[3], inputH, inputW);
      boolean lastLike = consistent(dims[1], dims[2], inputH, inputW);
      if (lastLike && !firstLike && dims[1] * dims[2] > 1 && dims[3] > 1) {
        return Optional.of(new SpatialLayout(Kind.NHWC, 0, (int) dims[3], (int) dims[1], (int) dims[2]));
      }
      // neither layout fits the input's aspect: still channels first (as exported CNNs are), unless
      // the tensor reads better as channels last ([1,h,w,1] statistics) or is a 1-wide strip
      boolean odd = !firstLike && (lastLike || Math.min(dims[2], dims[3]) == 1);
      if (dims[2] * dims[3] > 1 && !odd) {
        return Optional.of(new SpatialLayout(Kind.NCHW, 0, (int) dims[1], (int) dims[2], (int) dims[3]));
      }
      return Optional.empty();
    }
    if (dims.length == 3 && dims[2] > 1) {
      for (int p = 0; p <= MAX_PREFIX_TOKENS && p < dims[1]; p++) {
        long patches = dims[1] - p;
        int[] grid = grid(patches, inputH, inputW);
        if (grid != null && patches > 1) {
          return Optional.of(new SpatialLayout(Kind.TOKENS, p, (int) dims[2], grid[0], grid[1]));
        }
      }
    }
    return Optional.empty();
  }

  /** A patch grid h x w with h*w = patches and one integer patch size dividing both input sides. */
  private static int[] grid(long patches, long inputH, long inputW) {
    for (long h = 1; h <= patches && h <= inputH; h++) {
      if (patches % h != 0 || inputH % h != 0) {
        continue;
      }
      long w = patches / h;
      if (w <= inputW && inputW % w == 0 && inputH / h == inputW / w) {
        return new int[] {(int) h, (int) w};
      }
    }
    return null;
  }

  /** Whether an a x b map plausibly tiles the input: the two strides agree within 25%. */
  private static boolean consistent(long a, long b, long inputH, long inputW) {
    if (a < 1 || b < 1 || a > inputH || b > inputW) {
      return false;
    }
    double sh = (double) inputH / a;
    double sw = (double) inputW / b;
    return Math.max(sh, sw) / Math.min(sh, sw) < 1.25;
  }

  /** The axes of the spatial positions in this layout (what a global pooling reduces). */
  public long[] spatialAxes() {
    return switch (kind) {
      case NCHW -> new long[] {2, 3};
      case NHWC -> new long[] {1, 2};
      case TOKENS -> new long[] {1};
    };
  }

  /** The shape Grad-CAM sees, [1,C,h,w]. */
  public long[] camShape() {
    return new long[] {1, channels, height, width};
  }

  /** Short description for `lanterne layers`, e.g. "tokens 1+14x14" or "NHWC". */
  public String describe() {
    return switch (kind) {
      case NCHW -> "NCHW";
      case NHWC -> "NHWC";
      case TOKENS -> "tokens " + (prefixTokens > 0 ? prefixTokens + "+" : "") + height + "x" + width;
    };
  }
}
