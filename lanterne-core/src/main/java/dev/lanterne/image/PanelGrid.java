package dev.lanterne.image;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/**
 * A grid of pictures on white, each with a title above it (method, class label, score) and an
 * optional label in front of each row. Works headless.
 */
public final class PanelGrid {
  static {
    if (System.getProperty("java.awt.headless") == null) {
      System.setProperty("java.awt.headless", "true");
    }
  }

  private static final int GAP = 10;
  private static final int FONT_SIZE = 13;

  /**
   * One picture and its title.
   *
   * @param image the picture
   * @param title drawn above it; may be empty
   */
  public record Panel(BufferedImage image, String title) {}

  private PanelGrid() {}

  /**
   * Renders rows of panels. Rows may have different lengths (missing cells stay white); each cell
   * is as large as the largest panel, panels smaller than {@code minPanelSize} pixels on their
   * longer side are scaled up to it (so 128-pixel inputs stay readable).
   *
   * @param rows panels row by row; null panels leave a cell empty
   * @param rowLabels one label per row, or null for none
   * @param minPanelSize smallest displayed panel side in pixels (0 keeps sizes)
   */
  public static BufferedImage render(List<List<Panel>> rows, List<String> rowLabels, int minPanelSize) {
    if (rows.isEmpty()) {
      throw new IllegalArgumentException("a grid needs at least one row");
    }
    if (rowLabels != null && rowLabels.size() != rows.size()) {
      throw new IllegalArgumentException(rows.size() + " rows but " + rowLabels.size() + " row labels");
    }
    Font font = new Font(Font.SANS_SERIF, Font.PLAIN, FONT_SIZE);
    Font bold = font.deriveFont(Font.BOLD);
    FontMetrics fm = metrics(font);
    int columns = 0;
    int cellW = 1;
    int cellH = 1;
    for (List<Panel> row : rows) {
      columns = Math.max(columns, row.size());
      for (Panel p : row) {
        if (p != null) {
          int[] size = displaySize(p.image(), minPanelSize);
          cellW = Math.max(cellW, size[0]);
          cellH = Math.max(cellH, size[1]);
        }
      }
    }
    int titleLines = 0;
    List<List<List<String>>> wrapped = new ArrayList<>();
    for (List<Panel> row : rows) {
      List<List<String>> rowTitles = new ArrayList<>();
      for (Panel p : row) {
        List<String> lines = p == null || p.title() == null ? List.of() : wrap(p.title(), fm, cellW);
        titleLines = Math.max(titleLines, lines.size());
        rowTitles.add(lines);
      }
      wrapped.add(rowTitles);
    }
    int lineH = fm.getHeight();
    int titleH = titleLines * lineH + (titleLines > 0 ? 4 : 0);
    int labelW = 0;
    if (rowLabels != null) {
      FontMetrics bm = metrics(bold);
      for (String label : rowLabels) {
        labelW = Math.max(labelW, label == null ? 0 : Math.min(240, bm.stringWidth(label)));
      }
      labelW += labelW > 0 ? GAP : 0;
    }
    int width = GAP + labelW + columns * (cellW + GAP);
    int height = GAP + rows.size() * (titleH + cellH + GAP);
    BufferedImage out = RgbConversion.newRgb(width, height);
    Graphics2D g = out.createGraphics();
    try {
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, width, height);
      g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
      for (int r = 0; r < rows.size(); r++) {
        int top = GAP + r * (titleH + cellH + GAP);
        if (rowLabels != null && rowLabels.get(r) != null) {
          g.setFont(bold);
          g.setColor(Color.BLACK);
          String label = ellipsize(rowLabels.get(r), g.getFontMetrics(), labelW - GAP);
          g.drawString(label, GAP, top + titleH + cellH / 2 + fm.getAscent() / 2);
        }
        g.setFont(font);
        List<Panel> row = rows.get(r);
        for (int c = 0; c < row.size(); c++) {
          Panel p = row.get(c);
          if (p == null) {
            continue;
          }
          int left = GAP + labelW + c * (cellW + GAP);
          List<String> lines = wrapped.get(r).get(c);
          g.setColor(Color.BLACK);
          for (int i = 0; i < lines.size(); i++) {
            int tw = fm.stringWidth(lines.get(i));
            g.drawString(lines.get(i), left + (cellW - tw) / 2, top + i * lineH + fm.getAscent());
          }
          int[] size = displaySize(p.image(), minPanelSize);
          g.drawImage(p.image(), left + (cellW - size[0]) / 2, top + titleH + (cellH - size[1]) / 2,
              size[0], size[1], null);
        }
      }
    } finally {
      g.dispose();
    }
    return out;
  }

  private static FontMetrics metrics(Font font) {
    BufferedImage scratch = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = scratch.createGraphics();
    try {
      return g.getFontMetrics(font);
    } finally {
      g.dispose();
    }
  }

  private static int[] displaySize(BufferedImage image, int minPanelSize) {
    int w = image.getWidth();
    int h = image.getHeight();
    int longer = Math.max(w, h);
    if (minPanelSize <= 0 || longer >= minPanelSize) {
      return new int[] {w, h};
    }
    double s = (double) minPanelSize / longer;
    return new int[] {(int) Math.round(w * s), (int) Math.round(h * s)};
  }

  /**
   * Greedy word wrap to the cell width; explicit newlines start a new line. A word is never cut:
   * one wider than the cell is broken after a hyphen, underscore, slash, dot or colon inside it,
   * and only a word with no such place is split between characters (nothing is dropped).
   */
  static List<String> wrap(String text, FontMetrics fm, int width) {
    List<String> lines = new ArrayList<>();
    for (String paragraph : text.split("\n")) {
      StringBuilder line = new StringBuilder();
      for (String word : paragraph.trim().split("\\s+")) {
        if (word.isEmpty()) {
          continue;
        }
        List<String> pieces = pieces(word, fm, width);
        for (int k = 0; k < pieces.size(); k++) {
          String piece = pieces.get(k);
          boolean glued = k > 0;
          String candidate = line.length() == 0 ? piece : line + (glued ? "" : " ") + piece;
          if (fm.stringWidth(candidate) <= width || line.length() == 0) {
            line.setLength(0);
            line.append(candidate);
          } else {
            lines.add(line.toString());
            line.setLength(0);
            line.append(piece);
          }
        }
      }
      if (line.length() > 0) {
        lines.add(line.toString());
      }
    }
    return lines;
  }

  /** A word as pieces that each fit the width: broken after separators, else between characters. */
  private static List<String> pieces(String word, FontMetrics fm, int width) {
    if (fm.stringWidth(word) <= width) {
      return List.of(word);
    }
    List<String> parts = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    for (int i = 0; i < word.length(); i++) {
      cur.append(word.charAt(i));
      if ("-_/.:".indexOf(word.charAt(i)) >= 0 && i < word.length() - 1) {
        parts.add(cur.toString());
        cur.setLength(0);
      }
    }
    if (cur.length() > 0) {
      parts.add(cur.toString());
    }
    // merge parts greedily while they fit, split any part that alone is too wide
    List<String> out = new ArrayList<>();
    StringBuilder acc = new StringBuilder();
    for (String part : parts) {
      if (fm.stringWidth(acc + part) <= width) {
        acc.append(part);
        continue;
      }
      if (acc.length() > 0) {
        out.add(acc.toString());
        acc.setLength(0);
      }
      if (fm.stringWidth(part) <= width) {
        acc.append(part);
      } else {
        for (int i = 0; i < part.length(); i++) {
          if (acc.length() > 0 && fm.stringWidth(acc.toString() + part.charAt(i)) > width) {
            out.add(acc.toString());
            acc.setLength(0);
          }
          acc.append(part.charAt(i));
        }
      }
    }
    if (acc.length() > 0) {
      out.add(acc.toString());
    }
    return out;
  }

  private static String ellipsize(String s, FontMetrics fm, int width) {
    if (fm.stringWidth(s) <= width) {
      return s;
    }
    String cut = s;
    while (!cut.isEmpty() && fm.stringWidth(cut + "…") > width) {
      cut = cut.substring(0, cut.length() - 1);
    }
    return cut + "…";
  }
}
