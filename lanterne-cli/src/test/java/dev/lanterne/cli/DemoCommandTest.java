package dev.lanterne.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's main job runs offline on the bundled model and writes its figures and summary. */
class DemoCommandTest {
  @TempDir Path dir;

  @Test
  void demoWritesOverviewSummaryAndScores() throws IOException {
    Path out = dir.resolve("demo");
    CliErrorsTest.Outcome o = CliErrorsTest.run("demo", "--masks", "200", "--out", out.toString());
    assertEquals(0, o.code(), o.err());
    for (String f : List.of("overview.png", "README.md", "boxes.json", "gradients/grid.png", "rise/grid.png",
        "occlusion/grid.png", "evaluate/evaluation.csv", "inputs/circle.png")) {
      assertTrue(Files.size(out.resolve(f)) > 0, f);
    }
    List<String> csv = Files.readAllLines(out.resolve("evaluate/evaluation.csv"));
    // 6 pictures x 9 methods, one class each, plus the header
    assertEquals(1 + 6 * 9, csv.size());
    String summary = Files.readString(out.resolve("README.md"));
    assertTrue(summary.contains("| gradcam |") && summary.contains("| random |"), summary);
    // the classifier is right on every generated picture: each row's explained class is its own shape
    assertTrue(o.out().contains("circle.png") && o.out().contains("ring"), o.out());
    // the library's run, not the commands': rise and occlusion print one line per map like the gradient methods
    assertTrue(o.out().contains("circle.png  rise") && o.out().contains("circle.png  occlusion"), o.out());
    // the inversion of every shape, with its own run record (not explanations.json)
    assertTrue(Files.isRegularFile(out.resolve("invert/invert.json")));
    assertTrue(summary.contains("invert/invert-grid.png"), summary);
  }

  @Test
  void oneSamplePerClassIsDeterministic() {
    var a = DemoCommand.onePerClass(new dev.lanterne.demo.Shapes(), 7);
    var b = DemoCommand.onePerClass(new dev.lanterne.demo.Shapes(), 7);
    assertEquals(6, a.size());
    for (int i = 0; i < a.size(); i++) {
      assertEquals(a.get(i).seed(), b.get(i).seed());
      assertEquals(i, a.get(i).label());
    }
  }

  @Test
  void meanTableAveragesPerMethod() {
    // two rows of method m: AUCs 0.2/0.8 and 0.4/0.6, 10 and 30 ms, one pointing hit of two
    String t = DemoCommand.meanTable(List.of(new dev.lanterne.metrics.Evaluation.Summary("m", 2, 0.3, 0.7, 20,
        new dev.lanterne.metrics.PointingGame.Tally(1, 2), Double.NaN)));
    assertTrue(t.contains("| m | 0.300 | 0.700 | 1/2 | 20 |"), t);
  }

  @Test
  void demoWritesOutsideTheCommittedResultsByDefault() {
    assertEquals("lanterne-out/demo", DemoCommand.DEFAULT_OUT);
    assertTrue(new DemoCommand().options().getOption("out").getDescription().contains("lanterne-out/demo"));
  }
}
