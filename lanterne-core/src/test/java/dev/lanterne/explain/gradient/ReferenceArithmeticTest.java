package dev.lanterne.explain.gradient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanterne.explain.Explanation;
import dev.lanterne.tensor.Npy;
import dev.lanterne.tensor.Tensor;
import dev.lanterne.testing.SharedData;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Saliency and Grad-CAM maps computed from PyTorch's own gradients and activations (through fake
 * models returning the reference tensors) must match PyTorch's maps: this checks channel reduction,
 * weighting, ReLU, upsampling and the score fields independently of the gradient compiler.
 */
class ReferenceArithmeticTest {
  @ParameterizedTest
  @ValueSource(strings = {"resnet18", "squeezenet1_1", "mobilenet_v3_small"})
  void saliencyMatchesPyTorch(String model) {
    ReferenceModels ref = new ReferenceModels(model);
    List<Explanation> maps = new Saliency(ref.gradientModel(), Scoring.LOGITS)
        .explain(ref.input.data(), 2, new int[][] {{ref.targets[0]}, {ref.targets[1]}}, Saliency.Options.DEFAULT);
    assertMatches(maps, Npy.read(SharedData.ref(model + "_saliency.npy")), model + " saliency");
    for (int i = 0; i < 2; i++) {
      Explanation e = maps.get(i);
      assertEquals(ref.targets[i], e.classIndex());
      int k = ref.numClasses();
      assertEquals(ref.logits.data()[i * k + ref.targets[i]], e.score());
      assertEquals(softmax(ref.logits.data(), i * k, k, ref.targets[i]), e.probability(), 1e-6);
      assertEquals(ref.grad.slice(i), e.raw());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"resnet18", "squeezenet1_1", "mobilenet_v3_small"})
  void gradCamMatchesPyTorch(String model) {
    ReferenceModels ref = new ReferenceModels(model);
    List<Explanation> maps = new GradCam(ref.camModel(), Scoring.LOGITS)
        .explain(ref.input.data(), 2, new int[][] {{ref.targets[0]}, {ref.targets[1]}}, CamMethod.Options.DEFAULT);
    assertMatches(maps, Npy.read(SharedData.ref(model + "_cam.npy")), model + " Grad-CAM");
  }

  static void assertMatches(List<Explanation> maps, Tensor reference, String what) {
    int plane = reference.sliceSize();
    for (int i = 0; i < reference.dim(0); i++) {
      float[] map = maps.get(i).map().data();
      assertEquals(plane, map.length);
      double r = MapStats.pearson(MapStats.minMax(map, 0, plane), MapStats.toDouble(reference.data(), i * plane, plane));
      assertTrue(r > 0.999, what + " image " + i + ": Pearson correlation " + r + " <= 0.999");
    }
  }

  /** Softmax in double, written out here rather than calling the code under test. */
  private static double softmax(float[] z, int off, int k, int c) {
    double max = Double.NEGATIVE_INFINITY;
    for (int j = 0; j < k; j++) {
      max = Math.max(max, z[off + j]);
    }
    double s = 0;
    for (int j = 0; j < k; j++) {
      s += Math.exp(z[off + j] - max);
    }
    return Math.exp(z[off + c] - max) / s;
  }
}
