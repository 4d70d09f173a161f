package dev.lanterne.explain.perturbation;

import dev.lanterne.image.Normalization;
import dev.lanterne.model.Labels;
import dev.lanterne.onnx.Attributes;
import dev.lanterne.onnx.TensorProtos;
import dev.lanterne.onnx.proto.Onnx;
import dev.lanterne.runtime.Classifier;
import dev.lanterne.runtime.RuntimeOptions;
import dev.lanterne.testing.TinyModels;
import java.util.List;

/**
 * A tiny ONNX classifier built in the test: it undoes the normalisation (x * std + mean, back to
 * pixels) and scores class k as the mean pixel value over a known rectangle R_k (all channels),
 * with one full-image Conv. Its scores are hand-computable.
 */
final class RegionModel {
  /** Not square: rows and columns must not be swapped anywhere. */
  static final int H = 20;
  static final int W = 16;
  static final float[] MEAN = {0.5f, 0.4f, 0.3f};
  static final float[] STD = {0.25f, 0.5f, 0.2f};

  /** Rectangles {top, left, height, width} scored by class 0 and class 1. */
  static final int[][] REGIONS = {{3, 8, 5, 6}, {13, 1, 5, 4}};

  private RegionModel() {}

  static Normalization normalization() {
    return new Normalization(MEAN, STD);
  }

  /** Conv weights [2,3,H,W]: 1/(3 |R_k|) inside R_k. */
  static float[] weights() {
    float[] w = new float[2 * 3 * H * W];
    for (int k = 0; k < 2; k++) {
      int[] r = REGIONS[k];
      float v = 1f / (3 * r[2] * r[3]);
      for (int c = 0; c < 3; c++) {
        for (int y = r[0]; y < r[0] + r[2]; y++) {
          for (int x = r[1]; x < r[1] + r[3]; x++) {
            w[((k * 3 + c) * H + y) * W + x] = v;
          }
        }
      }
    }
    return w;
  }

  static boolean inRegion(int k, int y, int x) {
    int[] r = REGIONS[k];
    return y >= r[0] && y < r[0] + r[2] && x >= r[1] && x < r[1] + r[3];
  }

  /** The model's scores for a pixel image [3,H,W], computed by hand. */
  static double[] scores(float[] pixels) {
    float[] w = weights();
    double[] s = new double[2];
    for (int k = 0; k < 2; k++) {
      for (int i = 0; i < 3 * H * W; i++) {
        s[k] += (double) w[k * 3 * H * W + i] * pixels[i];
      }
    }
    return s;
  }

  static BlackBox open(RuntimeOptions options) {
    Classifier c = Classifier.open(bytes(), "region-model", options);
    return new BlackBox(c, normalization(), Labels.of(List.of("top region", "bottom region")), false);
  }

  static byte[] bytes() {
    return TinyModels.model(13, Onnx.GraphProto.newBuilder()
        .addInput(TinyModels.floats("input", -1, 3, H, W))
        .addOutput(TinyModels.floats("scores", -1, 2))
        .addInitializer(TensorProtos.ofFloats("std", new long[] {1, 3, 1, 1}, STD))
        .addInitializer(TensorProtos.ofFloats("mean", new long[] {1, 3, 1, 1}, MEAN))
        .addInitializer(TensorProtos.ofFloats("w", new long[] {2, 3, H, W}, weights()))
        .addNode(TinyModels.node("Mul", List.of("input", "std"), "scaled"))
        .addNode(TinyModels.node("Add", List.of("scaled", "mean"), "pixels"))
        .addNode(TinyModels.node("Conv", List.of("pixels", "w"), "conv"))
        .addNode(TinyModels.node("Flatten", List.of("conv"), "scores", Attributes.ofInt("axis", 1))))
        .toByteArray();
  }

  /** A seeded test image in [0.2, 1]. */
  static float[] image(long seed) {
    java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
    float[] x = new float[3 * H * W];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) r.nextDouble(0.2, 1.0);
    }
    return x;
  }
}
