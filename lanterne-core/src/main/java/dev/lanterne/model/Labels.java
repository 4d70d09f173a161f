package dev.lanterne.model;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Class labels: line N+1 of a label file is class N. Missing labels read as "class N". */
public final class Labels {
  private final List<String> names;

  private Labels(List<String> names) {
    this.names = names;
  }

  /** No labels: every class reads as "class N". */
  public static Labels none() {
    return new Labels(List.of());
  }

  /** Labels from a list, where element N names class N (the list is copied). */
  public static Labels of(List<String> names) {
    return new Labels(List.copyOf(names));
  }

  /**
   * Reads a UTF-8 label file, one label per line; blank lines are skipped and labels are stripped.
   *
   * @throws IOException when the file cannot be read
   */
  public static Labels read(Path file) throws IOException {
    return new Labels(Files.readAllLines(file, StandardCharsets.UTF_8).stream().map(String::strip)
        .filter(s -> !s.isEmpty()).toList());
  }

  /** The label of a class, or "class N" when the index has no label (out of range or no labels at all). */
  public String get(int index) {
    return index >= 0 && index < names.size() ? names.get(index) : "class " + index;
  }

  /** Number of labels read (0 for {@link #none()}); may be smaller than the model's number of classes. */
  public int size() {
    return names.size();
  }

  /** Class index for a label (exact, case-insensitive), or -1. */
  public int indexOf(String label) {
    for (int i = 0; i < names.size(); i++) {
      if (names.get(i).equalsIgnoreCase(label)) {
        return i;
      }
    }
    return -1;
  }

  /**
   * The class of a label: an exact (case-insensitive) match of the whole label or of one of its
   * comma-separated synonyms ("chocolate syrup"), else a unique substring match.
   *
   * @throws dev.lanterne.LanterneException (usage) naming the closest labels when nothing or several match
   */
  public int find(String label) {
    String want = label.strip().toLowerCase(java.util.Locale.ROOT);
    if (names.isEmpty()) {
      throw dev.lanterne.LanterneException.usage("the model has no labels, so '" + label
          + "' cannot be looked up; give the class index instead (or a label file)");
    }
    for (int i = 0; i < names.size(); i++) {
      String n = names.get(i).toLowerCase(java.util.Locale.ROOT);
      if (n.equals(want)) {
        return i;
      }
      for (String synonym : n.split(",")) {
        if (synonym.strip().equals(want)) {
          return i;
        }
      }
    }
    java.util.List<Integer> partial = new java.util.ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      if (names.get(i).toLowerCase(java.util.Locale.ROOT).contains(want)) {
        partial.add(i);
      }
    }
    if (partial.size() == 1) {
      return partial.get(0);
    }
    if (partial.size() > 1) {
      throw dev.lanterne.LanterneException.usage("'" + label + "' matches " + partial.size() + " labels ("
          + describe(partial.subList(0, Math.min(4, partial.size()))) + "); give the full label or the class index");
    }
    java.util.List<Integer> order = new java.util.ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      order.add(i);
    }
    order.sort(java.util.Comparator.comparingInt(i -> distance(want, names.get(i).toLowerCase(java.util.Locale.ROOT))));
    throw dev.lanterne.LanterneException.usage("no class is labelled '" + label + "'; did you mean "
        + describe(order.subList(0, Math.min(3, order.size()))) + "?");
  }

  private String describe(java.util.List<Integer> classes) {
    java.util.List<String> parts = new java.util.ArrayList<>();
    for (int i : classes) {
      parts.add(i + " '" + names.get(i) + "'");
    }
    return String.join(", ", parts);
  }

  /** Edit distance to the closest comma-separated synonym of a label. */
  private static int distance(String a, String label) {
    int best = Integer.MAX_VALUE;
    for (String b : label.split(",")) {
      best = Math.min(best, levenshtein(a, b.strip()));
    }
    return best;
  }

  private static int levenshtein(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
