package dev.lanterne.explain.inversion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanterne.image.Preprocessor;
import dev.lanterne.model.ModelCard;
import dev.lanterne.runtime.Classifier;
import dev.lanterne.runtime.InversionModel;
import dev.lanterne.runtime.RuntimeOptions;
import dev.lanterne.testing.SharedData;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * A short inversion on the pretrained QDQ MobileNetV2 (the full 200-step run on all seven course
 * classes is in InversionBenchmark). From noise the target classes start near chance (p ~ 0.001);
 * 30 regularised Adam steps (blur every 4, jitter, clipping; log-probability objective, which this
 * quantized model needs because its logits saturate at about 19.5) must make each the model's clear
 * favourite: p > 0.5, which also makes it the top-1 class. Checked again, independently of the gradient graph, by the plain model on the
 * final image rounded to 8-bit RGB as it is saved.
 */
class PretrainedInversionTest {

  private static final int[] CLASSES = {130, 954};

  @Test
  void shortBlurRegularisedRunFromNoiseMakesTheTargetsLikely() throws Exception {
    Path file = SharedData.model("mobilenetv2-1.0-224-qdq.onnx");
    ModelCard card = ModelCard.inception(224, 224);
    InversionOptions o = InversionOptions.defaults().withSteps(30).withSeed(7).withLogProbability(true);
    AscentTrace t;
    try (InversionModel m = InversionModels.compile(Files.readAllBytes(file), o.normalizeGradient(),
        RuntimeOptions.DEFAULT)) {
      t = ClassModelInversion.run(m, card, CLASSES, null, o, StepListener.NONE);
    }
    Preprocessor pre = Preprocessor.forCard(card);
    try (Classifier plain = Classifier.open(file, RuntimeOptions.DEFAULT)) {
      for (int i = 0; i < CLASSES.length; i++) {
        assertTrue(t.probability()[i][0] < 0.05, "start p " + t.probability()[i][0]);
        assertTrue(t.finalProbability(i) > 0.5, "class " + CLASSES[i] + " p " + t.finalProbability(i));
        float[] saved = pre.normalize(pre.toImage(t.image(i)));
        float[] scores = plain.run(saved, 1);
        int best = 0;
        for (int c = 1; c < scores.length; c++) {
          best = scores[c] > scores[best] ? c : best;
        }
        assertEquals(CLASSES[i], best, "top-1 of the saved image for class " + CLASSES[i]);
      }
    }
  }
}
