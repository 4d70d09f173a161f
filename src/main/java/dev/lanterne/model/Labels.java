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

  public static Labels none() {
    return new Labels(List.of());
  }

  public static Labels of(List<String> names) {
    return new Labels(List.copyOf(names));
  }

  public static Labels read(Path file) throws IOException {
    return new Labels(Files.readAllLines(file, StandardCharsets.UTF_8).stream().map(String::strip)
        .filter(s -> !s.isEmpty()).toList());
  }

  public String get(int index) {
    return index >= 0 && index < names.size() ? names.get(index) : "class " + index;
  }

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
}
