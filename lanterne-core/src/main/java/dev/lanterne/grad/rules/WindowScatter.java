package dev.lanterne.grad.rules;

import dev.lanterne.grad.GraphEmitter;
import dev.lanterne.onnx.Attributes;
import java.util.ArrayList;
import java.util.List;

/**
 * Adds per-window-offset gradients back onto the pooled input. The gradient for kernel offset o
 * (one value per output) lands at padded-input positions o*d + out*s. Offsets are grouped by phase
 * (o*d mod s): within a phase they land on the same sub-lattice, so they are summed there after a
 * shift by o*d div s (a Pad); the s^r phase lattices are then interleaved into the full grid by
 * Unsqueeze/Concat/Reshape. Only memory-bound operators, no scatter (opset 16) and no grouped
 * ConvTranspose (slow in ONNX Runtime).
 */
final class WindowScatter {
  private WindowScatter() {}

  /**
   * @param parts gradient for each kernel offset in row-major order, each shaped like the pool output
   * @param channels the channel count (axis 1)
   */
  static String scatter(GraphEmitter e, List<String> parts, PoolGeometry g, long channels) {
    int r = g.r;
    long[] coarse = new long[r];
    for (int i = 0; i < r; i++) {
      coarse[i] = (g.kernel[i] - 1) * g.dilations[i] / g.strides[i] + g.out[i];
    }
    int phases = 1;
    for (long s : g.strides) {
      phases *= (int) s;
    }
    List<List<String>> byPhase = new ArrayList<>();
    for (int p = 0; p < phases; p++) {
      byPhase.add(new ArrayList<>());
    }
    long[] offset = new long[r];
    for (int t = 0; t < parts.size(); t++) {
      long rem = t;
      for (int i = r - 1; i >= 0; i--) {
        offset[i] = rem % g.kernel[i];
        rem /= g.kernel[i];
      }
      int phase = 0;
      long[] pads = new long[2 * (r + 2)];
      for (int i = 0; i < r; i++) {
        long pos = offset[i] * g.dilations[i];
        phase = phase * (int) g.strides[i] + (int) (pos % g.strides[i]);
        long shift = pos / g.strides[i];
        pads[2 + i] = shift;
        pads[r + 4 + i] = coarse[i] - g.out[i] - shift;
      }
      byPhase.get(phase).add(isZero(pads) ? parts.get(t) : e.pad(parts.get(t), pads, 0f));
    }
    List<String> lattices = new ArrayList<>();
    String zeros = null;
    for (List<String> p : byPhase) {
      if (p.isEmpty()) {
        if (zeros == null) {
          zeros = e.mul(e.sum(firstNonEmpty(byPhase)), e.scalar(0f));
        }
        lattices.add(zeros);
      } else {
        lattices.add(e.sum(p));
      }
    }
    long[] fine = new long[r];
    for (int i = 0; i < r; i++) {
      fine[i] = coarse[i] * g.strides[i];
    }
    String grid = phases == 1 ? lattices.get(0) : interleave(e, lattices, g, coarse, fine, channels);
    return g.cropToInput(e, grid, fine);
  }

  private static boolean isZero(long[] v) {
    for (long x : v) {
      if (x != 0) {
        return false;
      }
    }
    return true;
  }

  private static List<String> firstNonEmpty(List<List<String>> byPhase) {
    for (List<String> p : byPhase) {
      if (!p.isEmpty()) {
        return p;
      }
    }
    throw new IllegalStateException("no window offsets");
  }

  /** [N,C,c0,..] lattices in phase order to [N,C,c0*s0,...]: stack as [N,C,c0,s0,c1,s1,...], then reshape. */
  private static String interleave(GraphEmitter e, List<String> lattices, PoolGeometry g, long[] coarse, long[] fine,
      long channels) {
    int r = g.r;
    long[] axes = new long[r];
    for (int i = 0; i < r; i++) {
      axes[i] = 3 + 2L * i;
    }
    List<String> level = new ArrayList<>();
    for (String l : lattices) {
      level.add(e.unsqueeze(l, axes));
    }
    // phases are numbered with the last axis fastest: concatenate along the last stride axis first
    for (int i = r - 1; i >= 0; i--) {
      int s = (int) g.strides[i];
      List<String> next = new ArrayList<>();
      for (int k = 0; k < level.size(); k += s) {
        List<String> group = level.subList(k, k + s);
        next.add(s == 1 ? group.get(0) : e.op("Concat", new ArrayList<>(group), Attributes.ofInt("axis", 3 + 2L * i)));
      }
      level = next;
    }
    long[] shape = new long[r + 2];
    shape[1] = channels;
    System.arraycopy(fine, 0, shape, 2, r);
    return e.reshape(level.get(0), e.ints(shape));
  }
}
