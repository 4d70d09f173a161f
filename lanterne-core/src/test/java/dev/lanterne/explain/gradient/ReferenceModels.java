package dev.lanterne.explain.gradient;

import dev.lanterne.runtime.CamModel;
import dev.lanterne.runtime.GradientModel;
import dev.lanterne.tensor.Npy;
import dev.lanterne.tensor.Tensor;
import dev.lanterne.testing.SharedData;
import java.util.Arrays;

/**
 * Fake gradient and CAM models that answer with PyTorch's reference tensors from ../shared/refs:
 * each input row must be one of the reference inputs and its seed the one-hot row of that input's
 * reference target. This checks the map arithmetic against PyTorch independently of the compiler.
 */
final class ReferenceModels {
  final Tensor input;
  final Tensor logits;
  final Tensor grad;
  final Tensor act;
  final Tensor actGrad;
  final int[] targets;

  ReferenceModels(String model) {
    input = Npy.read(SharedData.ref(model + "_input.npy"));
    logits = Npy.read(SharedData.ref(model + "_logits.npy"));
    grad = Npy.read(SharedData.ref(model + "_grad.npy"));
    act = Npy.read(SharedData.ref(model + "_act.npy"));
    actGrad = Npy.read(SharedData.ref(model + "_actgrad.npy"));
    float[] t = Npy.read(SharedData.ref(model + "_targets.npy")).data();
    targets = new int[t.length];
    for (int i = 0; i < t.length; i++) {
      targets[i] = (int) t[i];
    }
  }

  int numClasses() {
    return logits.dim(1);
  }

  /** The reference row that x's row r equals; fails unless the seed selects that row's target. */
  int referenceRow(float[] x, int r, float[] seed) {
    int per = input.sliceSize();
    for (int i = 0; i < input.dim(0); i++) {
      if (Arrays.equals(x, r * per, (r + 1) * per, input.data(), i * per, (i + 1) * per)) {
        int k = numClasses();
        for (int j = 0; j < k; j++) {
          float expected = j == targets[i] ? 1f : 0f;
          if (seed[r * k + j] != expected) {
            throw new AssertionError("row " + r + " seed is not one-hot on reference target " + targets[i]);
          }
        }
        return i;
      }
    }
    throw new AssertionError("row " + r + " is not a reference input");
  }

  private static float[] gather(Tensor t, int[] rows) {
    int s = t.sliceSize();
    float[] out = new float[rows.length * s];
    for (int i = 0; i < rows.length; i++) {
      System.arraycopy(t.data(), rows[i] * s, out, i * s, s);
    }
    return out;
  }

  private int[] rows(float[] x, int n, float[] seed) {
    int[] rows = new int[n];
    for (int r = 0; r < n; r++) {
      rows[r] = referenceRow(x, r, seed);
    }
    return rows;
  }

  GradientModel gradientModel() {
    return new GradientModel() {
      @Override
      public int[] inputShape() {
        return Arrays.copyOfRange(input.shape(), 1, 4);
      }

      @Override
      public int numClasses() {
        return ReferenceModels.this.numClasses();
      }

      @Override
      public Result gradient(float[] x, int n, float[] seed) {
        int[] rows = rows(x, n, seed);
        return new Result(gather(logits, rows), gather(grad, rows));
      }

      @Override
      public void close() {}
    };
  }

  CamModel camModel() {
    return new CamModel() {
      @Override
      public int[] inputShape() {
        return Arrays.copyOfRange(input.shape(), 1, 4);
      }

      @Override
      public int numClasses() {
        return ReferenceModels.this.numClasses();
      }

      @Override
      public String layer() {
        return "reference";
      }

      @Override
      public Result run(float[] x, int n, float[] seed) {
        int[] rows = rows(x, n, seed);
        int[] shape = act.shape().clone();
        shape[0] = n;
        return new Result(gather(logits, rows), gather(act, rows), gather(actGrad, rows), shape);
      }

      @Override
      public void close() {}
    };
  }
}
