package dev.lanterne.explain.inversion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lanterne.model.ModelCard;
import dev.lanterne.onnx.Attributes;
import dev.lanterne.onnx.proto.Onnx;
import dev.lanterne.runtime.Classifier;
import dev.lanterne.runtime.RuntimeOptions;
import dev.lanterne.testing.TinyModels;
import java.util.List;
import org.junit.jupiter.api.Test;

class TransferCheckTest {
  /** A 4x4 "classifier" whose score k is the mean of channel k: the brightest channel wins. */
  private static Classifier channelMeans() {
    Onnx.GraphProto.Builder g = Onnx.GraphProto.newBuilder()
        .addInput(TinyModels.floats("input", -1, 3, 4, 4))
        .addOutput(TinyModels.floats("logits", -1, 3))
        .addNode(TinyModels.node("GlobalAveragePool", List.of("input"), "gap"))
        .addNode(TinyModels.node("Flatten", List.of("gap"), "logits", Attributes.ofInt("axis", 1)));
    return Classifier.open(TinyModels.model(11, g).toByteArray(), "means", RuntimeOptions.DEFAULT.withThreads(1));
  }

  @Test
  void imagesAreSavedResizedAndNormalisedForTheOtherModel() {
    ModelCard from = ModelCard.torchvision(8, 8);
    ModelCard to = ModelCard.inception(4, 4);
    int per = 3 * 64;
    float[] images = new float[3 * per];
    // image i: channel i bright (pixel 0.9), the others dark (0.2), in the source model's normalisation
    for (int i = 0; i < 3; i++) {
      for (int c = 0; c < 3; c++) {
        float p = c == i ? 0.9f : 0.2f;
        for (int j = 0; j < 64; j++) {
          images[i * per + c * 64 + j] = (p - from.mean()[c]) / from.std()[c];
        }
      }
    }
    try (Classifier other = channelMeans()) {
      assertArrayEquals(new int[] {0, 1, 2}, TransferCheck.top1(images, 3, from, other, to));
      float[] s = TransferCheck.scores(images, 3, from, other, to);
      // inception normalisation of the 8-bit pixel round(0.9 * 255) = 230: 230 / 255 * 2 - 1
      assertEquals(230 / 255f * 2 - 1, s[0], 1e-5f);
      assertEquals(1, TransferCheck.rank(s, 1, 3, 1));
      assertEquals(2, TransferCheck.rank(s, 1, 3, 0));
      assertEquals(2.0 / 3, TransferCheck.agreement(images, new int[] {0, 1, 0}, from, other, to), 1e-9);
    }
  }
}
