package dev.lanterne.lab;

import dev.lanterne.explain.Explanation;
import dev.lanterne.image.ColorMap;
import dev.lanterne.image.Overlay;
import dev.lanterne.image.PanelGrid;
import java.awt.image.BufferedImage;
import java.util.List;

/** The lab's pictures: maps blended over the photo, and titled grids of them. */
final class Figures {
  static final ColorMap COLORS = ColorMap.JET;
  static final float OPACITY = 0.5f;
  /** Panels are shown at least this large, so 128-pixel inputs stay readable. */
  static final int PANEL = 224;

  private Figures() {}

  /** The explanation's map over the picture the model saw. */
  static BufferedImage overlay(BufferedImage shown, Explanation e) {
    return overlay(shown, e.map().data(), e.width(), e.height());
  }

  static BufferedImage overlay(BufferedImage shown, float[] map, int width, int height) {
    return Overlay.blend(shown, map, width, height, COLORS, OPACITY);
  }

  static PanelGrid.Panel panel(BufferedImage image, String title) {
    return new PanelGrid.Panel(image, title);
  }

  static BufferedImage grid(List<List<PanelGrid.Panel>> rows, List<String> rowLabels) {
    return PanelGrid.render(rows, rowLabels, PANEL);
  }
}
