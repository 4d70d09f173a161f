package dev.lanterne.explain.perturbation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanterne.explain.Explanation;
import dev.lanterne.image.Preprocessor;
import dev.lanterne.model.Labels;
import dev.lanterne.model.ModelCard;
import dev.lanterne.runtime.Classifier;
import dev.lanterne.runtime.RuntimeOptions;
import dev.lanterne.testing.SharedData;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** RISE on the pretrained MobileNetV2: the map of the photo's top class peaks on the object. */
class RiseMobileNetTest {
  private static final int SIZE = 224;
  /**
   * The launch vehicle in rocket.jpg after the inception preprocessing (centre 87.5% of the shorter
   * side, resized to 224x224; pixels back in [0,1] from (p - 0.5) / 0.5), annotated by eye: {top, left, bottom, right}, in model pixels. It covers
   * about 13% of the image; the launch towers on either side are outside it.
   */
  private static final int[] ROCKET = {52, 94, 224, 130};

  @Test
  void mapOfTopClassPeaksOnTheRocket() throws Exception {
    ModelCard card = ModelCard.inception(SIZE, SIZE);
    try (Classifier c = Classifier.open(SharedData.model("mobilenetv2-1.0-224-qdq.onnx"), RuntimeOptions.DEFAULT)) {
      BlackBox model = BlackBox.of(c, card, Labels.read(SharedData.labels()));
      float[] normalised = Preprocessor.forCard(card).prepare(SharedData.image("rocket.jpg")).tensor();
      float[] pixels = new float[normalised.length];
      for (int i = 0; i < pixels.length; i++) {
        pixels[i] = normalised[i] * 0.5f + 0.5f;
      }
      float[] probs = model.probabilities(model.rawScores(pixels));
      int top = RiseTest.argmax(probs);
      assertEquals(657, top, "MobileNetV2 sees a missile");

      Explanation e = new Rise(RiseOptions.DEFAULTS.withMasks(600).withSeed(1)).explain(model, pixels,
          new int[] {top}).get(0);
      float[] m = e.map().data();
      int peak = RiseTest.argmax(m);
      assertTrue(inBox(peak / SIZE, peak % SIZE), "peak at y=" + peak / SIZE + " x=" + peak % SIZE);
      // the centre of the brightest 5% of the map also lies on the rocket
      float[] sorted = m.clone();
      Arrays.sort(sorted);
      float cut = sorted[(int) (0.95 * sorted.length)];
      double sy = 0;
      double sx = 0;
      int n = 0;
      for (int u = 0; u < m.length; u++) {
        if (m[u] >= cut) {
          sy += u / SIZE;
          sx += u % SIZE;
          n++;
        }
      }
      assertTrue(inBox((int) (sy / n), (int) (sx / n)), "bright centre at y=" + sy / n + " x=" + sx / n);
      assertEquals("missile", e.label());
    }
  }

  private static boolean inBox(int y, int x) {
    return y >= ROCKET[0] && y < ROCKET[2] && x >= ROCKET[1] && x < ROCKET[3];
  }
}
