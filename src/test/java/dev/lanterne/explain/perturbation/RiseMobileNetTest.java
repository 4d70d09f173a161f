package dev.lanterne.explain.perturbation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanterne.explain.Explanation;
import dev.lanterne.model.Labels;
import dev.lanterne.model.ModelCard;
import dev.lanterne.runtime.Classifier;
import dev.lanterne.runtime.RuntimeOptions;
import dev.lanterne.testing.SharedData;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** RISE on the pretrained MobileNetV2: the map of the photo's top class peaks on the object. */
class RiseMobileNetTest {
  private static final int SIZE = 224;
  /**
   * The launch vehicle in rocket.jpg after the inception crop (centre 87.5% of the shorter side,
   * resized to 224x224), annotated by eye: {top, left, bottom, right}, in model pixels. It covers
   * about 13% of the image; the launch towers on either side are outside it.
   */
  private static final int[] ROCKET = {52, 94, 224, 130};

  @Test
  void mapOfTopClassPeaksOnTheRocket() throws IOException {
    ModelCard card = ModelCard.inception(SIZE, SIZE);
    try (Classifier c = Classifier.open(SharedData.model("mobilenetv2-1.0-224-qdq.onnx"), RuntimeOptions.DEFAULT)) {
      BlackBox model = BlackBox.of(c, card, Labels.read(SharedData.labels()));
      float[] pixels = inceptionCrop(ImageIO.read(SharedData.image("rocket.jpg").toFile()));
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

  /** Centre crop 87.5% of the shorter side, bilinear resize to 224, pixels in [0,1] as [3,H,W]. */
  static float[] inceptionCrop(BufferedImage img) {
    int s = (int) Math.round(Math.min(img.getWidth(), img.getHeight()) * 0.875);
    int x0 = (img.getWidth() - s) / 2;
    int y0 = (img.getHeight() - s) / 2;
    BufferedImage out = new BufferedImage(SIZE, SIZE, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
    g.drawImage(img, 0, 0, SIZE, SIZE, x0, y0, x0 + s, y0 + s, null);
    g.dispose();
    int plane = SIZE * SIZE;
    float[] px = new float[3 * plane];
    for (int y = 0; y < SIZE; y++) {
      for (int x = 0; x < SIZE; x++) {
        int rgb = out.getRGB(x, y);
        px[y * SIZE + x] = ((rgb >> 16) & 255) / 255f;
        px[plane + y * SIZE + x] = ((rgb >> 8) & 255) / 255f;
        px[2 * plane + y * SIZE + x] = (rgb & 255) / 255f;
      }
    }
    return px;
  }
}
