package dev.lanterne.metrics;

import dev.lanterne.image.Png;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** A line plot of deletion/insertion curves: fraction of pixels changed against class score. */
public final class CurvePlot {
  static final int WIDTH = 560;
  static final int HEIGHT = 400;
  static final int LEFT = 60;
  static final int RIGHT = 20;
  static final int TOP = 64;
  static final int BOTTOM = 50;
  private static final Color[] COLOURS = {new Color(0xd62728), new Color(0x1f77b4), new Color(0x2ca02c),
      new Color(0xff7f0e), new Color(0x9467bd), new Color(0x8c564b)};

  private CurvePlot() {}

  /** Draws the curves (each labelled with its game and AUC) under a title. */
  public static BufferedImage draw(String title, List<CausalCurve> curves) {
    BufferedImage img = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, WIDTH, HEIGHT);
      int pw = WIDTH - LEFT - RIGHT;
      int ph = HEIGHT - TOP - BOTTOM;
      drawAxes(g, pw, ph);
      g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
      FontMetrics fm = g.getFontMetrics();
      g.setColor(Color.BLACK);
      g.drawString(title, Math.max(4, (WIDTH - fm.stringWidth(title)) / 2), 24);
      g.setStroke(new BasicStroke(2f));
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
      FontMetrics lm = g.getFontMetrics();
      int lx = LEFT;
      for (int i = 0; i < curves.size(); i++) {
        CausalCurve c = curves.get(i);
        g.setColor(COLOURS[i % COLOURS.length]);
        float[] s = c.scores();
        Path2D.Double line = new Path2D.Double();
        for (int k = 0; k < s.length; k++) {
          double x = LEFT + pw * (double) k / (s.length - 1);
          double y = TOP + ph * (1 - Math.max(0, Math.min(1, s[k])));
          if (k == 0) {
            line.moveTo(x, y);
          } else {
            line.lineTo(x, y);
          }
        }
        g.draw(line);
        // the legend sits in one row between the title and the plot, where no curve can hide it
        int ly = TOP - 14;
        g.drawLine(lx, ly - 4, lx + 24, ly - 4);
        g.setColor(Color.BLACK);
        String entry = String.format(Locale.ROOT, "%s (%s) AUC %.3f", c.game(), c.substrate().cliName(), c.auc());
        g.drawString(entry, lx + 30, ly);
        lx += 30 + lm.stringWidth(entry) + 24;
      }
    } finally {
      g.dispose();
    }
    return img;
  }

  private static void drawAxes(Graphics2D g, int pw, int ph) {
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
    FontMetrics fm = g.getFontMetrics();
    for (int t = 0; t <= 4; t++) {
      double v = t / 4.0;
      int x = LEFT + (int) Math.round(pw * v);
      int y = TOP + (int) Math.round(ph * (1 - v));
      g.setColor(new Color(0xe6e6e6));
      g.drawLine(x, TOP, x, TOP + ph);
      g.drawLine(LEFT, y, LEFT + pw, y);
      g.setColor(Color.BLACK);
      String label = String.format(Locale.ROOT, "%.2f", v);
      g.drawString(label, x - fm.stringWidth(label) / 2, TOP + ph + 16);
      g.drawString(label, LEFT - 6 - fm.stringWidth(label), y + 4);
    }
    g.setColor(Color.BLACK);
    g.drawRect(LEFT, TOP, pw, ph);
    String xl = "fraction of pixels deleted / inserted";
    g.drawString(xl, LEFT + (pw - fm.stringWidth(xl)) / 2, HEIGHT - 12);
    Graphics2D r = (Graphics2D) g.create();
    r.rotate(-Math.PI / 2);
    String yl = "class probability";
    r.drawString(yl, -(TOP + (ph + fm.stringWidth(yl)) / 2), 16);
    r.dispose();
  }

  /** Draws and writes the plot as PNG, atomically. */
  public static void write(Path file, String title, List<CausalCurve> curves) {
    Png.write(file, draw(title, curves));
  }
}
