package dev.lanterne.lab;

import dev.lanterne.explain.Explanation;
import dev.lanterne.image.DisplayStretch;
import dev.lanterne.image.Overlay;
import dev.lanterne.image.PanelGrid;
import java.awt.image.BufferedImage;
import java.util.List;

/**
 * The lab's pictures: maps drawn over the photo with Captum's conventions (blended heat map, 2%
 * outlier clipping, inferno, seismic for signed maps) and a colour bar in the map's real values,
 * inversions with a stated display stretch, and titled grids of them.
 */
final class Figures {
  /** Panels are shown at least this large, so 128-pixel inputs stay readable. */
  static final int PANEL = 224;

  private Figures() {}

  /** The style of a map: signed (diverging colours) when it has negative values. */
  static Overlay.Style style(float[]... maps) {
    for (float[] m : maps) {
      for (float v : m) {
        if (v < 0) {
          return Overlay.Style.defaults().withSign(Overlay.Sign.ALL);
        }
      }
    }
    return Overlay.Style.defaults();
  }

  /** The explanation's map over the picture the model saw, on its own scale, with its colour bar. */
  static BufferedImage overlay(BufferedImage shown, Explanation e) {
    return overlay(shown, e.map().data(), e.width(), e.height());
  }

  static BufferedImage overlay(BufferedImage shown, float[] map, int width, int height) {
    Overlay.Style style = style(map);
    return overlay(shown, map, width, height, style, Overlay.scale(style, map));
  }

  /** A map on a given (e.g. shared) scale, with its colour bar. */
  static BufferedImage overlay(BufferedImage shown, float[] map, int width, int height, Overlay.Style style,
      Overlay.Scale scale) {
    return Overlay.withColorBar(Overlay.render(shown, map, width, height, style, scale), style, scale, PANEL);
  }

  /** One scale for several maps of one image (the classes compared), in their common style. */
  static Overlay.Scale sharedScale(List<float[]> maps) {
    return Overlay.scale(style(maps.toArray(new float[0][])), maps);
  }

  static PanelGrid.Panel panel(BufferedImage image, String title) {
    return new PanelGrid.Panel(image, title);
  }

  /** A generated image (inversion, dream) with a per-image 1-99% display stretch, said in its title. */
  static PanelGrid.Panel stretched(BufferedImage image, String title) {
    DisplayStretch.Stretched s = DisplayStretch.percentile(image);
    return new PanelGrid.Panel(s.image(), title + "\n" + s.caption());
  }

  static BufferedImage grid(List<List<PanelGrid.Panel>> rows, List<String> rowLabels) {
    return PanelGrid.render(rows, rowLabels, PANEL);
  }
}
