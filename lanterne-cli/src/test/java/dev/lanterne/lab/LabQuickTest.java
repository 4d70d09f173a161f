package dev.lanterne.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanterne.LanterneException;
import dev.lanterne.testing.SharedData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `lanterne lab --quick` end to end, as CI runs it: every figure, table and params file of the
 * report is written, non-empty, and each table has the rows its experiment promises.
 */
class LabQuickTest {
  /** Each table (CSV) and how many data rows it must have. */
  private static final Map<String, Integer> TABLE_ROWS = Map.ofEntries(
      Map.entry("inversion/classes.csv", 7 * 3 * 2), Map.entry("inversion/models.csv", 6),
      Map.entry("inversion/deepdream.csv", 8), Map.entry("inversion/layerdream.csv", 1),
      Map.entry("inversion/course.csv", 14), Map.entry("inversion/start.csv", 14),
      Map.entry("featurevis/classes.csv", 7), Map.entry("featurevis/summary.csv", 2),
      Map.entry("saliency/classes.csv", 11), Map.entry("saliency/discrimination.csv", 22),
      Map.entry("saliency/methods.csv", 12), Map.entry("saliency/smoothgrad.csv", 3),
      Map.entry("rise/settings.csv", 15), Map.entry("rise/runs.csv", 15 * 2 * 4),
      Map.entry("summary/summary.csv", 10), Map.entry("summary/rows.csv", 40), Map.entry("summary/sanity.csv", 6));

  private static final List<String> FIGURES = List.of("inversion/recipes.png", "inversion/start.png",
      "inversion/course.png", "inversion/models.png", "inversion/deepdream.png", "featurevis/featurevis.png",
      "saliency/classes.png", "saliency/smoothgrad.png", "saliency/methods.png", "saliency/sanity.png",
      "rise/count.png", "rise/grid.png", "rise/masks.png", "rise/family.png", "rise/fill.png",
      "summary/maps.png", "summary/curves-coffee.png", "summary/sanity.png");

  @Test
  void quickRunWritesEveryFigureAndTable(@TempDir Path out) throws IOException {
    Path shared = SharedData.root();
    Lab.Report report = new Lab(true, 0, shared, out, null, false).run();

    String readme = Files.readString(out.resolve(Lab.README));
    for (String fig : FIGURES) {
      assertNonEmpty(out.resolve(fig));
      assertTrue(readme.contains("](" + fig + ")"), "README shows " + fig);
      assertTrue(report.files().contains(fig), "report lists " + fig);
    }
    for (Map.Entry<String, Integer> t : TABLE_ROWS.entrySet()) {
      Path csv = out.resolve(t.getKey());
      assertNonEmpty(csv);
      assertNonEmpty(out.resolve(t.getKey().replace(".csv", ".json")));
      List<String> lines = Files.readAllLines(csv);
      assertEquals(t.getValue() + 1, lines.size(), t.getKey() + " rows");
      assertTrue(readme.contains("](" + t.getKey() + ")"), "README links " + t.getKey());
    }
    for (String dir : List.of("inversion", "featurevis", "saliency", "rise", "summary")) {
      assertNonEmpty(out.resolve(dir).resolve("params.json"));
      assertTrue(report.seconds().containsKey(dir), "timed " + dir);
    }
    assertNonEmpty(out.resolve("summary/boxes.json"));
    // the bar: at least 16 figures embedded, each of them written
    java.util.regex.Matcher fig = java.util.regex.Pattern.compile("!\\[[^\\]]*\\]\\(([^)]+)\\)").matcher(readme);
    int embedded = 0;
    while (fig.find()) {
      assertNonEmpty(out.resolve(fig.group(1)));
      embedded++;
    }
    assertTrue(embedded >= 16, embedded + " figures embedded");
    // every section answers its question from the run's numbers
    assertTrue(readme.split("\\*\\*Answer\\.\\*\\*", -1).length - 1 >= 12, "answers in the README");
    // every method of the summary is in its table, with finite deletion and insertion AUCs
    List<String> summary = Files.readAllLines(out.resolve("summary/summary.csv"));
    for (String m : List.of("saliency", "smoothgrad", "integrated-gradients", "gradcam", "gradcam++",
        "guided-gradcam", "rise", "occlusion", "random map", "centre map")) {
      String row = summary.stream().filter(l -> l.startsWith(m + ",")).findFirst().orElseThrow();
      String[] cells = row.split(",");
      double del = Double.parseDouble(cells[1]);
      double ins = Double.parseDouble(cells[2]);
      assertTrue(del >= 0 && del <= 1 && ins >= 0 && ins <= 1, m + ": AUCs in [0,1]: " + row);
    }

    // re-making one part keeps the others' sections, figures and timings, also through the command line,
    // whose output folder is replaced as a whole when a run completes (twice: the second run replaces a
    // folder whose manifest lists every part)
    Lab.Report again = new Lab(true, 0, shared, out, null, false).only(List.of("featurevis")).run();
    for (int run = 0; run < 2; run++) {
      assertEquals(0, dev.lanterne.cli.Main.run("lab", "--quick", "--seed", "0", "--only", "featurevis", "--shared",
          shared.toString(), "--out", out.toString()));
    }
    String remade = Files.readString(out.resolve(Lab.README));
    for (String shown : FIGURES) {
      assertTrue(remade.contains("](" + shown + ")"), "README after --only still shows " + shown);
      assertNonEmpty(out.resolve(shown));
    }
    assertEquals(readme.split("\\*\\*Answer\\.\\*\\*", -1).length,
        remade.split("\\*\\*Answer\\.\\*\\*", -1).length, "answers kept");
    assertEquals(report.seconds().keySet(), again.seconds().keySet(), "every part timed");
    assertEquals(report.seconds().get("rise"), again.seconds().get("rise"), "stored timing reused");
    // parts stored by another seed are not mixed into this run's report
    new Lab(true, 1, shared, out, null, false).only(List.of("featurevis")).run();
    String other = Files.readString(out.resolve(Lab.README));
    assertFalse(other.contains("](rise/"), "another seed's README does not reuse seed 0's RISE section");
  }

  @Test
  void missingSharedFolderIsOneClearError(@TempDir Path out) {
    LanterneException e = org.junit.jupiter.api.Assertions.assertThrows(LanterneException.class,
        () -> new Lab(true, 0, out.resolve("nowhere"), out.resolve("results"), null, false).run());
    assertTrue(e.getMessage().contains("--shared"), e.getMessage());
    assertTrue(!e.getMessage().contains("\n"), "one line");
  }

  private static void assertNonEmpty(Path p) throws IOException {
    assertTrue(Files.isRegularFile(p), p + " exists");
    assertTrue(Files.size(p) > 0, p + " is not empty");
  }
}
