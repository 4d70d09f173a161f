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
    String t = DemoCommand.meanTable(List.of("image,method,class,label,deletion_auc,insertion_auc,time_ms,pointing_hit",
        "a,m,0,x,0.2,0.8,10,true", "b,m,0,x,0.4,0.6,30,false"));
    assertTrue(t.contains("| m | 0.300 | 0.700 | 1/2 | 20 |"), t);
  }
}
