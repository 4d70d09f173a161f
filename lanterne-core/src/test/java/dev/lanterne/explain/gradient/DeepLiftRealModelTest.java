package dev.lanterne.explain.gradient;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lanterne.explain.Explanation;
import dev.lanterne.explain.LanternModel;
import dev.lanterne.testing.SharedData;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * DeepLift's summation to delta on a real architecture: torchvision's MobileNetV3-small (random
 * seeded weights, ../shared) has Hardswish written as x * HardSigmoid(x), squeeze-and-excitation gates
 * and ReLUs, so the rescale, product and max rules all take part; the attributions must sum to
 * f(x) - f(black) for two classes.
 */
class DeepLiftRealModelTest {
  @Test
  void mobileNetV3AttributionsSumToTheScoreDifference() {
    try (LanternModel model = LanternModel.builder(SharedData.torchvision("mobilenet_v3_small")).cache(null)
        .warnings(w -> { }).open()) {
      List<Explanation> e = new DeepLift(model).attribute(model.load(SharedData.image("coffee.png")),
          new int[][] {{0, 417}});
      for (Explanation x : e) {
        double difference = (double) x.details().get("scoreDifference");
        assertEquals(difference, (double) x.details().get("attributionSum"), 1e-4 * Math.max(1, Math.abs(difference)),
            "class " + x.classIndex());
      }
    }
  }
}
