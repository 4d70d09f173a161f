package dev.lanterne.lab;

import dev.lanterne.metrics.Evaluation;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/** The factual sentences under the summary's tables: which method led, by how much, from the run's numbers. */
final class SummaryComments {
  private SummaryComments() {}

  static String intro(List<Evaluation.Row> rows, int pixelsPerStep) {
    StringBuilder b = new StringBuilder("Each photo is explained for the main model's top-1 class (");
    List<String> seen = new ArrayList<>();
    for (Evaluation.Row r : rows) {
      String s = r.image() + ": " + r.classIndex() + " " + r.label();
      if (!seen.contains(s)) {
        seen.add(s);
      }
    }
    b.append(String.join("; ", seen)).append("). Deletion sets pixels to black in order of decreasing saliency,"
        + " insertion reveals them on a blurred copy, " + pixelsPerStep + " pixels per step; the AUC is the mean"
        + " softmax probability"
        + " of the class along the curve. The pointing game uses the boxes in `summary/boxes.json` (tolerance"
        + " 15 px): the cup on coffee.png, the missile on rocket.jpg, the orange suit on astronaut.png and the cat"
        + " on cat.png (the cat fills the frame, so a hit there says little). The sd columns are the spread over"
        + " the four photos. Times are wall-clock per map on this machine's CPU, shared with other work while the"
        + " lab ran.");
    return b.toString();
  }

  static String summary(Table t) {
    int del = 1;
    int ins = 2;
    int time = 5;
    Object[] bestDel = extreme(t, del, false);
    Object[] worstDel = extreme(t, del, true);
    Object[] bestIns = extreme(t, ins, true);
    Object[] worstIns = extreme(t, ins, false);
    Object[] fastest = extreme(t, time, false);
    Object[] slowest = extreme(t, time, true);
    return String.format(Locale.ROOT, "Lowest mean deletion AUC: %s (%.3f), highest: %s (%.3f). Highest mean"
        + " insertion AUC: %s (%.3f), lowest: %s (%.3f). Fastest: %s (%.3f s per map), slowest: %s (%.2f s).",
        bestDel[0], bestDel[1], worstDel[0], worstDel[1], bestIns[0], bestIns[1], worstIns[0], worstIns[1],
        fastest[0], fastest[1], slowest[0], slowest[1]);
  }

  /** Which methods beat the random and the centre map on both games (deletion lower, insertion higher). */
  static String baselines(Table t, String random, String centre) {
    double[] r = null;
    double[] c = null;
    for (int i = 0; i < t.size(); i++) {
      List<Object> row = t.row(i);
      double[] v = {(Double) row.get(1), (Double) row.get(2)};
      if (row.get(0).equals(random)) {
        r = v;
      } else if (row.get(0).equals(centre)) {
        c = v;
      }
    }
    if (r == null || c == null) {
      return "";
    }
    List<String> beatBoth = new ArrayList<>();
    List<String> notBoth = new ArrayList<>();
    for (int i = 0; i < t.size(); i++) {
      List<Object> row = t.row(i);
      String m = (String) row.get(0);
      if (m.equals(random) || m.equals(centre)) {
        continue;
      }
      double del = (Double) row.get(1);
      double ins = (Double) row.get(2);
      boolean beats = del < Math.min(r[0], c[0]) && ins > Math.max(r[1], c[1]);
      (beats ? beatBoth : notBoth).add(m);
    }
    return String.format(Locale.ROOT, "Baselines: the random map scores deletion %.3f / insertion %.3f, the centre"
        + " map %.3f / %.3f. Better than both on both games: %s. Not better than both on both: %s.", r[0], r[1],
        c[0], c[1], beatBoth.isEmpty() ? "none" : String.join(", ", beatBoth),
        notBoth.isEmpty() ? "none" : String.join(", ", notBoth));
  }

  static String sanity(Table t) {
    if (t.size() == 0) {
      return "No method ran the sanity check.";
    }
    int last = t.columns().size() - 1;
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < t.size(); i++) {
      parts.add(String.format(Locale.ROOT, "%s %.2f", t.row(i).get(0), (Double) t.row(i).get(last)));
    }
    Object[] most = extreme(t, last, true);
    return "Spearman rank correlation between the map on the original model and on the model with its top layers"
        + " replaced by random weights (a method that explains the model should fall towards 0). With every"
        + " layer randomised: " + String.join(", ", parts) + ". The map that stays most like the original is "
        + most[0] + "'s.";
  }

  /** {name, value} of the row with the largest (or smallest) finite value in a column. */
  static Object[] extreme(Table t, int column, boolean largest) {
    return extreme(t, 0, column, largest);
  }

  /** {name, value}, the name read from another column. */
  static Object[] extreme(Table t, int nameColumn, int column, boolean largest) {
    Comparator<Integer> byValue = Comparator.comparingDouble(i -> (Double) t.row(i).get(column));
    int best = -1;
    for (int i = 0; i < t.size(); i++) {
      double v = (Double) t.row(i).get(column);
      if (!Double.isFinite(v)) {
        continue;
      }
      if (best < 0 || (largest ? byValue.compare(i, best) > 0 : byValue.compare(i, best) < 0)) {
        best = i;
      }
    }
    return best < 0 ? new Object[] {"-", Double.NaN}
        : new Object[] {t.row(best).get(nameColumn), t.row(best).get(column)};
  }
}
