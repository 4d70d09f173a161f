package dev.lanterne.grad;

import dev.lanterne.runtime.Classifier;
import dev.lanterne.runtime.GradientModel;
import dev.lanterne.tensor.Npy;
import dev.lanterne.tensor.Tensor;
import dev.lanterne.testing.SharedData;
import java.util.Arrays;

/**
 * PyTorch autograd's gradient from ../shared/refs as a GradientModel, for the reference inputs only:
 * an independent correct gradient to check the checker with. Scores come from the plain model.
 */
final class RefGradient implements GradientModel {
  final Classifier plain;
  final Tensor input;
  final Tensor grad;
  final long[] targets;
  private final float factor;

  RefGradient(Classifier plain, String model, float factor) {
    this.plain = plain;
    this.input = Npy.read(SharedData.ref(model + "_input.npy"));
    this.grad = Npy.read(SharedData.ref(model + "_grad.npy"));
    Tensor t = Npy.read(SharedData.ref(model + "_targets.npy"));
    this.targets = new long[t.data().length];
    for (int i = 0; i < targets.length; i++) {
      targets[i] = (long) t.data()[i];
    }
    this.factor = factor;
  }

  @Override
  public int[] inputShape() {
    return plain.inputShape();
  }

  @Override
  public int numClasses() {
    return plain.numClasses();
  }

  @Override
  public Result gradient(float[] x, int n, float[] seed) {
    for (int i = 0; i < input.shape()[0]; i++) {
      if (Arrays.equals(x, input.slice(i).data())) {
        float[] g = grad.slice(i).data();
        for (int p = 0; p < g.length; p++) {
          g[p] *= factor;
        }
        return new Result(plain.run(x, 1), g);
      }
    }
    throw new IllegalArgumentException("only the reference inputs have a reference gradient");
  }

  @Override
  public void close() {}
}
