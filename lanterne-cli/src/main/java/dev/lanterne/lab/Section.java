package dev.lanterne.lab;

import java.util.ArrayList;
import java.util.List;

/** One experiment's part of results/README.md: Markdown text, figures and tables, in order. */
final class Section {
  private final String title;
  private final StringBuilder body = new StringBuilder();
  private final List<Table> tables = new ArrayList<>();
  private final List<String> figures = new ArrayList<>();

  Section(String title) {
    this.title = title;
  }

  /** A section read back from its stored Markdown (see {@link StoredSection}). */
  static Section stored(String markdown, List<String> figures) {
    String first = markdown.lines().findFirst().orElse("## ");
    Section s = new Section(first.startsWith("## ") ? first.substring(3) : first);
    int body = markdown.indexOf("\n\n");
    s.body.append(body < 0 ? "" : markdown.substring(body + 2));
    s.figures.addAll(figures);
    return s;
  }

  Section text(String markdown) {
    body.append(markdown.strip()).append("\n\n");
    return this;
  }

  Section heading(String h) {
    body.append("### ").append(h).append("\n\n");
    return this;
  }

  /** A figure by its path relative to the results root. */
  Section figure(String alt, String link) {
    figures.add(link);
    body.append("![").append(alt).append("](").append(link).append(")\n\n");
    return this;
  }

  /** A table, with a link to its CSV (relative to the results root). */
  Section table(Table t, String csvLink) {
    tables.add(t);
    body.append(t.markdown()).append("\n(").append("[CSV](").append(csvLink).append("))\n\n");
    return this;
  }

  String title() {
    return title;
  }

  List<Table> tables() {
    return List.copyOf(tables);
  }

  List<String> figures() {
    return List.copyOf(figures);
  }

  String markdown() {
    return "## " + title + "\n\n" + body;
  }
}
