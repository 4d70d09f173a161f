package dev.lanterne.grad.rules;

import dev.lanterne.grad.BackwardContext;
import dev.lanterne.grad.GradientRule;
import dev.lanterne.grad.GraphEmitter;
import dev.lanterne.onnx.Attributes;
import dev.lanterne.onnx.TensorProtos;
import dev.lanterne.onnx.proto.Onnx;

/**
 * Resize and Upsample in nearest and linear modes. Along each resized axis the output is a fixed
 * linear map of the input, y = M x with M [out, in] built here from the coordinate transformation
 * (half_pixel, pytorch_half_pixel, align_corners, asymmetric, tf_half_pixel_for_nearest) and the
 * nearest rounding mode, so the gradient is dx = M^T dy, one MatMul per resized axis (the axis moved
 * last and back). Scales and sizes must be constants (ShapeFolding folds computed ones).
 */
public final class ResizeRule implements GradientRule {
  @Override
  public String[] backward(Onnx.NodeProto node, String[] dy, BackwardContext ctx) {
    GraphEmitter e = ctx.emit();
    String x = node.getInput(0);
    long[] in = ctx.shapes().dims(x);
    long[] out = ctx.shapes().dims(node.getOutput(0));
    boolean[] batch = ctx.shapes().followsBatch(x);
    boolean upsample = node.getOpType().equals("Upsample");
    int opset = ctx.opset();
    String mode = Attributes.getString(node, "mode", "nearest");
    if (!mode.equals("nearest") && !mode.equals("linear") && !mode.equals("bilinear")) {
      throw ctx.unsupported("mode " + mode);
    }
    if (Attributes.getInt(node, "antialias", 0) != 0) {
      throw ctx.unsupported("antialiasing");
    }
    boolean old = upsample || opset < 11;
    String transform = old ? "asymmetric" : Attributes.getString(node, "coordinate_transformation_mode", "half_pixel");
    String nearest = old ? "legacy" : Attributes.getString(node, "nearest_mode", "round_prefer_floor");
    float[] scales = scales(node, ctx, upsample, in.length);
    String g = dy[0];
    int rank = in.length;
    for (int a = 0; a < rank; a++) {
      double scale = scales != null ? scales[a] : (double) out[a] / in[a];
      if (in[a] == out[a] && scale == 1) {
        continue;
      }
      if (batch[a]) {
        throw ctx.unsupported("resizing the batch axis");
      }
      float[] m = matrix(in[a], out[a], scale, mode.equals("nearest"), transform, nearest);
      if (m == null) {
        throw ctx.unsupported("coordinate transformation " + transform);
      }
      String matrix = e.floats(new long[] {out[a], in[a]}, m);
      long[] perm = new long[rank];
      for (int i = 0; i < rank; i++) {
        perm[i] = i;
      }
      perm[a] = rank - 1;
      perm[rank - 1] = a;
      boolean last = a == rank - 1;
      String moved = last ? g : e.transpose(g, perm);
      String back = e.op("MatMul", moved, matrix);
      g = last ? back : e.transpose(back, perm);
    }
    String[] dx = new String[node.getInputCount()];
    dx[0] = g;
    return dx;
  }

  /** Per-axis scales when given (attribute or constant input), else null (sizes given: out/in). */
  private static float[] scales(Onnx.NodeProto node, BackwardContext ctx, boolean upsample, int rank) {
    if (upsample && ctx.opset() < 9) {
      Onnx.AttributeProto a = Attributes.find(node, "scales");
      if (a == null) {
        return null;
      }
      float[] s = new float[a.getFloatsCount()];
      for (int i = 0; i < s.length; i++) {
        s[i] = a.getFloats(i);
      }
      return s;
    }
    int index = ctx.opset() >= 11 && !upsample ? 2 : 1;
    if (node.getInputCount() <= index || node.getInput(index).isEmpty()) {
      return null;
    }
    Onnx.TensorProto t = ctx.constant(node.getInput(index));
    if (t == null) {
      throw ctx.unsupported("scales computed at run time");
    }
    float[] s = TensorProtos.toFloats(t);
    return s.length == rank ? s : null;
  }

  /** M [out, in]: row o holds the weights of the input elements output o interpolates. */
  static float[] matrix(long in, long out, double scale, boolean nearest, String transform, String rounding) {
    float[] m = new float[(int) (out * in)];
    for (int o = 0; o < out; o++) {
      double c = switch (transform) {
        case "half_pixel" -> (o + 0.5) / scale - 0.5;
        case "pytorch_half_pixel" -> out > 1 ? (o + 0.5) / scale - 0.5 : 0;
        case "align_corners" -> out == 1 ? 0 : o * (double) (in - 1) / (out - 1);
        case "asymmetric" -> o / scale;
        case "tf_half_pixel_for_nearest" -> (o + 0.5) / scale;
        default -> Double.NaN;
      };
      if (Double.isNaN(c)) {
        return null;
      }
      if (nearest) {
        long i = switch (rounding) {
          case "round_prefer_ceil" -> (long) Math.floor(c + 0.5);
          case "floor" -> (long) Math.floor(c);
          case "ceil" -> (long) Math.ceil(c);
          // opset < 11: floor when enlarging, ceil when shrinking (as ONNX Runtime)
          case "legacy" -> scale >= 1 ? (long) Math.floor(c) : (long) Math.ceil(c);
          default -> c - Math.floor(c) == 0.5 ? (long) Math.floor(c) : Math.round(c);
        };
        i = Math.max(0, Math.min(in - 1, i));
        m[(int) (o * in + i)] += 1f;
      } else {
        double cc = Math.max(0, Math.min(in - 1, c));
        long i0 = (long) Math.floor(cc);
        long i1 = Math.min(in - 1, i0 + 1);
        double f = cc - i0;
        m[(int) (o * in + i0)] += (float) (1 - f);
        m[(int) (o * in + i1)] += (float) f;
      }
    }
    return m;
  }
}
