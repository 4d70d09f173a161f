package dev.lanterne.image;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lanterne.model.ModelCard;
import dev.lanterne.runtime.Classifier;
import dev.lanterne.runtime.RuntimeOptions;
import dev.lanterne.testing.SharedData;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The inception preset ("crop-then-resize") feeds the pretrained MobileNetV2 what it needs: top-1 as ../shared/README.md lists. */
class PretrainedTopOneTest {
  @Test
  void inceptionPresetGivesTheExpectedTopOne() {
    Map<String, Integer> expected = Map.of("coffee.png", 967, "parrot.jpg", 88, "hot-dog.jpg", 934,
        "dragonfly.bmp", 319, "sunflower.bmp", 985, "cat-720p.jpg", 285, "rocket.jpg", 657);
    Preprocessor pre = Preprocessor.forCard(ModelCard.inception(224, 224));
    try (Classifier model = Classifier.open(SharedData.model("mobilenetv2-1.0-224-qdq.onnx"), RuntimeOptions.DEFAULT)) {
      for (Map.Entry<String, Integer> e : expected.entrySet()) {
        float[] scores = model.run(pre.prepare(SharedData.image(e.getKey())).tensor(), 1);
        int best = 0;
        for (int k = 1; k < scores.length; k++) {
          if (scores[k] > scores[best]) {
            best = k;
          }
        }
        System.out.printf(Locale.ROOT, "mobilenetv2 %-14s top-1 %d (expected %d)%n", e.getKey(), best, e.getValue());
        assertEquals((int) e.getValue(), best, e.getKey());
      }
    }
  }
}
