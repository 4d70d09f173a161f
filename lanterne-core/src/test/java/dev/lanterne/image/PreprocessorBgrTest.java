package dev.lanterne.image;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lanterne.model.ModelCard;
import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

/** Caffe models take BGR: tensor channel 0 is blue. */
class PreprocessorBgrTest {
  @Test
  void bgrCardSwapsChannelsBothWays() {
    ModelCard rgb = ModelCard.torchvision(4, 4);
    ModelCard bgr = new ModelCard("caffe", null, null, new int[] {4, 4}, ModelCard.SHORTER_THEN_CROP, 4, null,
        new float[] {0, 0, 0}, new float[] {1, 1, 1}, null, "logits", null, null, null, "BGR");
    BufferedImage im = new BufferedImage(4, 4, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 4; y++) {
      for (int x = 0; x < 4; x++) {
        im.setRGB(x, y, 0xFF0000 | 0x40 << 8 | 0x10); // r=255, g=64, b=16
      }
    }
    float[] t = Preprocessor.forCard(bgr).normalize(im);
    assertEquals(16 / 255f, t[0], 1e-6f, "channel 0 is blue");
    assertEquals(64 / 255f, t[16], 1e-6f, "channel 1 is green");
    assertEquals(1f, t[32], 1e-6f, "channel 2 is red");
    assertEquals(0xFF4010, Preprocessor.forCard(bgr).toImage(t).getRGB(1, 1) & 0xFFFFFF);
    float[] r = Preprocessor.forCard(rgb).normalize(im);
    assertEquals((1f - 0.485f) / 0.229f, r[0], 1e-5f, "RGB card: channel 0 is red");
  }
}
