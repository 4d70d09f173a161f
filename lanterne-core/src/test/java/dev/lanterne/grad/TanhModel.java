package dev.lanterne.grad;

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
 * A tiny smooth classifier y = tanh(flatten(x) · W) · V on a [C,H,W] input, built as ONNX, with its
 * gradient computed by hand in double precision: the analytic reference for the checks.
 */
final class TanhModel implements GradientModel {
  final int c;
  final int h;
  final int w;
  final int hidden;
  final int classes;
  final float[] wMat;
  final float[] vMat;

  TanhModel(int c, int h, int w, int hidden, int classes, long seed) {
    this.c = c;
    this.h = h;
    this.w = w;
    this.hidden = hidden;
    this.classes = classes;
    SplittableRandom rnd = new SplittableRandom(seed);
    wMat = new float[c * h * w * hidden];
    vMat = new float[hidden * classes];
    for (int i = 0; i < wMat.length; i++) {
      wMat[i] = (float) (rnd.nextGaussian() / Math.sqrt(c * h * w));
    }
    for (int i = 0; i < vMat.length; i++) {
      vMat[i] = (float) rnd.nextGaussian();
    }
  }

  /** The ONNX model, dynamic batch, opset 13. */
  byte[] onnx() {
    int d = c * h * w;
    Onnx.GraphProto.Builder g = Onnx.GraphProto.newBuilder()
        .addInput(floats("x", -1, c, h, w)).addOutput(floats("y", -1, classes))
        .addInitializer(TensorProtos.ofFloats("W", new long[] {d, hidden}, wMat))
        .addInitializer(TensorProtos.ofFloats("V", new long[] {hidden, classes}, vMat))
        .addNode(node("Flatten", List.of("x"), "f", Attributes.ofInt("axis", 1)))
        .addNode(node("MatMul", List.of("f", "W"), "a"))
        .addNode(node("Tanh", List.of("a"), "t"))
        .addNode(node("MatMul", List.of("t", "V"), "y"));
    return TinyModels.model(13, g).toByteArray();
  }

  @Override
  public int[] inputShape() {
    return new int[] {c, h, w};
  }

  @Override
  public int numClasses() {
    return classes;
  }

  @Override
  public Result gradient(float[] x, int n, float[] seed) {
    int d = c * h * w;
    float[] scores = new float[n * classes];
    float[] grad = new float[n * d];
    for (int i = 0; i < n; i++) {
      double[] t = new double[hidden];
      for (int j = 0; j < hidden; j++) {
        double a = 0;
        for (int p = 0; p < d; p++) {
          a += (double) x[i * d + p] * wMat[p * hidden + j];
        }
        t[j] = Math.tanh(a);
      }
      double[] back = new double[hidden];
      for (int k = 0; k < classes; k++) {
        double y = 0;
        for (int j = 0; j < hidden; j++) {
          y += t[j] * vMat[j * classes + k];
          back[j] += seed[i * classes + k] * vMat[j * classes + k];
        }
        scores[i * classes + k] = (float) y;
      }
      for (int j = 0; j < hidden; j++) {
        back[j] *= 1 - t[j] * t[j];
      }
      for (int p = 0; p < d; p++) {
        double s = 0;
        for (int j = 0; j < hidden; j++) {
          s += wMat[p * hidden + j] * back[j];
        }
        grad[i * d + p] = (float) s;
      }
    }
    return new Result(scores, grad);
  }

  @Override
  public void close() {}
}
