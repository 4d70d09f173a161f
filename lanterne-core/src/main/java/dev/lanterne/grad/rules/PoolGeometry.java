package dev.lanterne.grad.rules;

import dev.lanterne.grad.GraphEmitter;
import dev.lanterne.onnx.Attributes;
import dev.lanterne.onnx.proto.Onnx;
import java.util.Arrays;

/**
 * Window geometry of a convolution or pooling node over its r spatial axes, with auto_pad
 * resolved to explicit pads from the probed input and output sizes.
 */
final class PoolGeometry {
  final int r;
  final long[] in;
  final long[] out;
  final long[] kernel;
  final long[] strides;
  final long[] dilations;
  final long[] padBegin;
  final long[] padEnd;

  /** The row-major coordinates of a flat index in a grid of the given sizes (the last axis varies fastest). */
  static void unravel(long flat, long[] sizes, long[] coordinates) {
    long rem = flat;
    for (int i = sizes.length - 1; i >= 0; i--) {
      coordinates[i] = rem % sizes[i];
      rem /= sizes[i];
    }
  }

  PoolGeometry(Onnx.NodeProto node, long[] inDims, long[] outDims, long[] kernelShape) {
    r = inDims.length - 2;
    in = Arrays.copyOfRange(inDims, 2, inDims.length);
    out = Arrays.copyOfRange(outDims, 2, outDims.length);
    kernel = kernelShape;
    strides = orOnes(Attributes.getInts(node, "strides"));
    dilations = orOnes(Attributes.getInts(node, "dilations"));
    padBegin = new long[r];
    padEnd = new long[r];
    String autoPad = Attributes.getString(node, "auto_pad", "NOTSET");
    long[] pads = Attributes.getInts(node, "pads");
    for (int i = 0; i < r; i++) {
      if (autoPad.startsWith("SAME")) {
        long total = Math.max(0, (out[i] - 1) * strides[i] + span(i) - in[i]);
        long small = total / 2;
        padBegin[i] = autoPad.equals("SAME_UPPER") ? small : total - small;
        padEnd[i] = total - padBegin[i];
      } else if (pads != null && !autoPad.equals("VALID")) {
        padBegin[i] = pads[i];
        padEnd[i] = pads[i + r];
      }
    }
  }

  private long[] orOnes(long[] v) {
    if (v != null && v.length == r) {
      return v;
    }
    long[] ones = new long[r];
    Arrays.fill(ones, 1);
    return ones;
  }

  /** Extent of one window: (k-1)*d+1. */
  long span(int i) {
    return (kernel[i] - 1) * dilations[i] + 1;
  }

  /** Size, in padded input coordinates, that the windows of all outputs cover. */
  long covered(int i) {
    return (out[i] - 1) * strides[i] + span(i);
  }

  long kernelVolume() {
    long v = 1;
    for (long k : kernel) {
      v *= k;
    }
    return v;
  }

  long[] spatialAxes() {
    long[] a = new long[r];
    for (int i = 0; i < r; i++) {
      a[i] = i + 2;
    }
    return a;
  }

  /**
   * Turns a tensor laid out over the padded input from position 0 with the given lengths into one
   * over the input: drops the leading pads and trims, or zero-extends, the end.
   */
  String cropToInput(GraphEmitter e, String t, long[] length) {
    long[] extend = new long[2 * (r + 2)];
    boolean needExtend = false;
    long[] starts = new long[r];
    long[] ends = new long[r];
    for (int i = 0; i < r; i++) {
      long missing = padBegin[i] + in[i] - length[i];
      if (missing > 0) {
        extend[r + 2 + i + 2] = missing;
        needExtend = true;
      }
      starts[i] = padBegin[i];
      ends[i] = padBegin[i] + in[i];
    }
    String full = needExtend ? e.pad(t, extend, 0f) : t;
    return e.slice(full, starts, ends, spatialAxes());
  }
}
