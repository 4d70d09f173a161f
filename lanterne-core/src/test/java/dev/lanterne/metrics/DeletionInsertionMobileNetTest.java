package dev.lanterne.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanterne.image.Preprocessor;
import dev.lanterne.model.ModelCard;
import dev.lanterne.runtime.Classifier;
import dev.lanterne.runtime.RuntimeOptions;
import dev.lanterne.testing.SharedData;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Deletion and insertion on the pretrained MobileNetV2 with a hand-annotated box around the rocket. */
class DeletionInsertionMobileNetTest {
  private static final int SIZE = 224;
  private static final int MISSILE = 657;
  /** The launch vehicle in rocket.jpg after the inception crop, annotated by eye (the RISE tests' box). */
  private static final Box ROCKET = new Box(94, 52, 130, 224);

  @Test
  void aMapOnTheRocketInsertsFasterThanNoiseAndCurvesEndAtTheRightImages() {
    ModelCard card = ModelCard.inception(SIZE, SIZE);
    float[] x = Preprocessor.forCard(card).prepare(SharedData.image("rocket.jpg")).tensor();
    float[] box = new float[SIZE * SIZE];
    for (int y = 0; y < SIZE; y++) {
      for (int i = 0; i < SIZE; i++) {
        box[y * SIZE + i] = ROCKET.containsPixel(i, y) ? 1 : 0;
      }
    }
    try (Classifier c = Classifier.open(SharedData.model("mobilenetv2-1.0-224-qdq.onnx"), RuntimeOptions.DEFAULT)) {
      DeletionInsertion metric = DeletionInsertion.of(c::run, c.inputShape(), card,
          DeletionInsertion.Settings.DEFAULTS.withPixelsPerStep(1120));
      DeletionInsertion.Result onRocket = metric.evaluate(x, box, MISSILE);
      DeletionInsertion.Result noise = metric.evaluate(x, BaselineMaps.random(SIZE, SIZE, 1), MISSILE);
      assertEquals(46, onRocket.deletion().scores().length);
      assertTrue(onRocket.insertion().auc() > noise.insertion().auc() + 0.2,
          "insertion " + onRocket.insertion().auc() + " vs noise " + noise.insertion().auc());

      // the deletion curve runs from the photo to an all-black image ((0 - 0.5) / 0.5 = -1 normalised)
      float[] black = new float[x.length];
      Arrays.fill(black, -1f);
      assertEquals(softmax(c.run(x, 1))[MISSILE], onRocket.deletion().scores()[0], 1e-5);
      assertEquals(softmax(c.run(black, 1))[MISSILE], onRocket.deletion().scores()[45], 1e-5);
      assertEquals(softmax(c.run(x, 1))[MISSILE], onRocket.insertion().scores()[45], 1e-5);
      assertTrue(onRocket.deletion().scores()[0] > 0.3, "MobileNetV2 sees a missile");
    }
  }

  private static float[] softmax(float[] logits) {
    double max = Double.NEGATIVE_INFINITY;
    for (float v : logits) {
      max = Math.max(max, v);
    }
    double sum = 0;
    for (float v : logits) {
      sum += Math.exp(v - max);
    }
    float[] p = new float[logits.length];
    for (int i = 0; i < p.length; i++) {
      p[i] = (float) (Math.exp(logits[i] - max) / sum);
    }
    return p;
  }
}
