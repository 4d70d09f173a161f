package dev.lanterne.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CurvePlotTest {
  @TempDir
  Path dir;

  @Test
  void curvesAreDrawnAtTheirScores() throws Exception {
    CausalCurve flatLow = new CausalCurve("deletion", Substrate.BLACK, 0, 1, new float[] {0.25f, 0.25f, 0.25f});
    CausalCurve flatHigh = new CausalCurve("insertion", Substrate.BLUR, 0, 1, new float[] {0.75f, 0.75f, 0.75f});
    Path file = dir.resolve("sub/curves.png");
    CurvePlot.write(file, "test", List.of(flatLow, flatHigh));
    BufferedImage img = ImageIO.read(file.toFile());
    assertEquals(CurvePlot.WIDTH, img.getWidth());
    int pw = CurvePlot.WIDTH - CurvePlot.LEFT - CurvePlot.RIGHT;
    int ph = CurvePlot.HEIGHT - CurvePlot.TOP - CurvePlot.BOTTOM;
    int x = CurvePlot.LEFT + pw / 3;
    Color low = strongest(img, x, CurvePlot.TOP + ph * 0.75, true);
    Color high = strongest(img, x, CurvePlot.TOP + ph * 0.25, false);
    Color empty = new Color(img.getRGB(x, CurvePlot.TOP + (int) Math.round(ph * 0.5) + 3));
    assertTrue(low.getRed() > 150 && low.getBlue() < 120, "deletion is red: " + low);
    assertTrue(high.getBlue() > 120 && high.getRed() < 100, "insertion is blue: " + high);
    assertTrue(empty.getRed() > 200 && empty.getGreen() > 200 && empty.getBlue() > 200, "background: " + empty);
  }

  /** The most red (or blue) pixel in the rows around y: the 2-pixel line is antialiased. */
  private static Color strongest(BufferedImage img, int x, double y, boolean red) {
    Color best = null;
    for (int r = (int) Math.floor(y) - 1; r <= (int) Math.ceil(y) + 1; r++) {
      Color c = new Color(img.getRGB(x, r));
      int score = red ? c.getRed() - c.getBlue() : c.getBlue() - c.getRed();
      if (best == null || score > (red ? best.getRed() - best.getBlue() : best.getBlue() - best.getRed())) {
        best = c;
      }
    }
    return best;
  }
}
