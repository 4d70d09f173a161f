package dev.lanterne.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PanelGridTest {
  @TempDir Path dir;

  private static BufferedImage solid(int w, int h, int rgb) {
    BufferedImage image = RgbConversion.newRgb(w, h);
    Arrays.fill(RgbConversion.pixels(image), rgb);
    return image;
  }

  @Test
  void panelsTitlesAndWhiteBackground() {
    BufferedImage red = solid(224, 224, 0xFF0000);
    BufferedImage blue = solid(224, 224, 0x0000FF);
    List<List<PanelGrid.Panel>> rows = List.of(
        List.of(new PanelGrid.Panel(red, "cat.png"), new PanelGrid.Panel(blue, "gradcam · Egyptian cat · 13.62")),
        List.of(new PanelGrid.Panel(blue, "dog.png")));
    BufferedImage grid = PanelGrid.render(rows, List.of("first", "second"), 0);
    assertEquals(0xFFFFFF, grid.getRGB(0, 0) & 0xFFFFFF, "white margin");
    assertEquals(0xFFFFFF, grid.getRGB(grid.getWidth() - 1, grid.getHeight() - 1) & 0xFFFFFF,
        "the missing cell of row 2 stays white");
    assertTrue(grid.getWidth() >= 2 * 224 && grid.getHeight() >= 2 * 224);
    long red0 = count(grid, 0xFF0000);
    long blue0 = count(grid, 0x0000FF);
    assertEquals(224L * 224, red0, "the red panel is drawn once, unscaled");
    assertEquals(2L * 224 * 224, blue0);
    assertTrue(countDark(grid) > 50, "titles and row labels are drawn in black");
  }

  @Test
  void smallPanelsAreScaledUp() {
    BufferedImage small = solid(128, 128, 0x00FF00);
    BufferedImage grid = PanelGrid.render(List.of(List.of(new PanelGrid.Panel(small, "x"))), null, 224);
    assertEquals(224L * 224, count(grid, 0x00FF00));
  }

  @Test
  void pngIsWrittenAtomically() throws Exception {
    BufferedImage image = solid(3, 2, 0x123456);
    Path file = dir.resolve("out/picture.png");
    Png.write(file, image);
    BufferedImage back = ImageIO.read(file.toFile());
    assertEquals(0x123456, back.getRGB(2, 1) & 0xFFFFFF);
    try (var s = Files.list(file.getParent())) {
      assertEquals(List.of(file), s.toList(), "no temporary file is left");
    }
  }

  private static long count(BufferedImage image, int rgb) {
    return Arrays.stream(image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth()))
        .filter(p -> (p & 0xFFFFFF) == rgb).count();
  }

  private static long countDark(BufferedImage image) {
    return Arrays.stream(image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth()))
        .filter(p -> (p & 0xFFFFFF) == 0).count();
  }

  @Test
  void titlesWrapWithoutCuttingWords() {
    java.awt.FontMetrics fm = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB).createGraphics()
        .getFontMetrics(new java.awt.Font(java.awt.Font.SANS_SERIF, java.awt.Font.PLAIN, 13));
    String title = "integrated-gradients · Labrador retriever · p 0.912 · layer MobilenetV2/Conv_1/Relu6 and more";
    int width = 120;
    List<String> lines = PanelGrid.wrap(title, fm, width);
    assertTrue(lines.size() >= 4, "wraps onto several lines: " + lines);
    for (String line : lines) {
      assertTrue(fm.stringWidth(line) <= width, "fits: " + line);
      assertTrue(!line.contains("…"), "nothing is ellipsized: " + line);
    }
    // every character is kept, in order
    assertEquals(title.replace(" ", ""), String.join("", lines).replace(" ", ""));
    // words that fit are never split: each whole word is on one line
    for (String word : new String[] {"Labrador", "retriever", "0.912", "layer", "more"}) {
      assertTrue(lines.stream().anyMatch(l -> List.of(l.split(" ")).contains(word)), word + " in " + lines);
    }
    // a long word breaks after its separators, not inside a part
    assertTrue(lines.stream().anyMatch(l -> "-_/".indexOf(l.charAt(l.length() - 1)) >= 0), lines.toString());
    assertEquals(List.of("a b", "c"), PanelGrid.wrap("a b\nc", fm, 500));
  }
}
