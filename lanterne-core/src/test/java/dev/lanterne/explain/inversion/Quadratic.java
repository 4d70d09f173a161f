package dev.lanterne.explain.inversion;

import static dev.lanterne.testing.TinyModels.floats;
import static dev.lanterne.testing.TinyModels.node;

import dev.lanterne.onnx.Attributes;
import dev.lanterne.onnx.TensorProtos;
import dev.lanterne.onnx.proto.Onnx;
import dev.lanterne.runtime.GradientModel;
import dev.lanterne.testing.TinyModels;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A model with a known optimum: score_k(x) = -||x - t_k||^2 for K targets t_k, as an ONNX graph
 * (Flatten, Mul, ReduceSum, Gemm, Sub) and as a hand-written analytic gradient model.
 */
final class Quadratic {
  static final int C = 3;
  static final int H = 4;
  static final int W = 4;
  static final int PER = C * H * W;

  final float[][] targets;

  Quadratic(int k, long seed) {
    this(k, seed, false);
  }

  /** @param flat targets constant per channel, so that shifts, scalings and rotations leave them unchanged */
  Quadratic(int k, long seed, boolean flat) {
    SplittableRandom r = new SplittableRandom(seed);
    targets = new float[k][PER];
    for (float[] t : targets) {
      double[] level = {r.nextDouble(-0.8, 0.8), r.nextDouble(-0.8, 0.8), r.nextDouble(-0.8, 0.8)};
      for (int j = 0; j < PER; j++) {
        t[j] = (float) (flat ? level[j / (H * W)] : r.nextDouble(-0.8, 0.8));
      }
    }
  }

  /** The ONNX graph at opset 11: -(x.x) + 2 x.t_k - t_k.t_k. */
  byte[] onnx() {
    int k = targets.length;
    float[] tt = new float[PER * k];
    float[] bias = new float[k];
    for (int c = 0; c < k; c++) {
      for (int j = 0; j < PER; j++) {
        tt[j * k + c] = targets[c][j];
        bias[c] -= targets[c][j] * targets[c][j];
      }
    }
    Onnx.GraphProto.Builder g = Onnx.GraphProto.newBuilder()
        .addInput(floats("input", -1, C, H, W))
        .addOutput(floats("logits", -1, k))
        .addInitializer(TensorProtos.ofFloats("T", new long[] {PER, k}, tt))
        .addInitializer(TensorProtos.ofFloats("bias", new long[] {k}, bias))
        .addNode(node("Flatten", List.of("input"), "xf", Attributes.ofInt("axis", 1)))
        .addNode(node("Mul", List.of("xf", "xf"), "xx"))
        .addNode(node("ReduceSum", List.of("xx"), "norm", Attributes.ofInts("axes", 1), Attributes.ofInt("keepdims", 1)))
        .addNode(node("Gemm", List.of("xf", "T", "bias"), "dot", Attributes.ofFloat("alpha", 2f)))
        .addNode(node("Sub", List.of("dot", "norm"), "logits"));
    return TinyModels.model(11, g).toByteArray();
  }

  /** The same scores with the gradient written out by hand: d/dx sum_k seed_k score_k = sum_k seed_k * -2 (x - t_k). */
  GradientModel analytic() {
    int k = targets.length;
    return new GradientModel() {
      @Override
      public int[] inputShape() {
        return new int[] {C, H, W};
      }

      @Override
      public int numClasses() {
        return k;
      }

      @Override
      public Result gradient(float[] x, int n, float[] seed) {
        float[] scores = new float[n * k];
        float[] grad = new float[n * PER];
        for (int i = 0; i < n; i++) {
          for (int c = 0; c < k; c++) {
            double s = 0;
            for (int j = 0; j < PER; j++) {
              double d = x[i * PER + j] - targets[c][j];
              s -= d * d;
              grad[i * PER + j] += (float) (seed[i * k + c] * -2 * d);
            }
            scores[i * k + c] = (float) s;
          }
        }
        return new Result(scores, grad);
      }

      @Override
      public void close() {}
    };
  }
}
