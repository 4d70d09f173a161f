package dev.lanterne.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanterne.explain.LanternModel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** bench gradients --runs: every run's table, then each ratio's median and range over the runs. */
class BenchCommandTest {
  @Test
  void severalRunsEndWithTheMedianAndRangeOfEachRatio() {
    String demo = LanternModel.demoModelFile().toString();
    CliErrorsTest.Outcome o = CliErrorsTest.run("bench", "gradients", "--model", demo, "--runs", "3", "--repeats", "1",
        "--batches", "1", "--no-inversion");
    assertEquals(0, o.code(), o.err());
    List<String> lines = o.out().lines().toList();
    assertEquals(3, lines.stream().filter(l -> l.matches("run \\d of 3 .*")).count(), o.out());
    // each run's line for the model: name, compile, session, batch, forward ms, saliency ms, ratio
    List<Double> ratios = new ArrayList<>();
    int summary = lines.indexOf("median of 3 runs (range)");
    assertTrue(summary > 0, o.out());
    for (String l : lines.subList(0, summary)) {
      String[] t = l.trim().split("\\s+");
      if (t.length == 7 && t[1].endsWith("s") && t[3].equals("1")) {
        ratios.add(Double.parseDouble(t[6]));
      }
    }
    assertEquals(3, ratios.size(), o.out());
    ratios.sort(null);
    // the summary line: name, batch, forward ms, "median (min-max)", "-" (no inversion measured)
    String[] t = lines.get(summary + 2).trim().split("\\s+");
    assertEquals("1", t[1], o.out());
    double median = Double.parseDouble(t[3]);
    String[] range = t[4].replaceAll("[()]", "").split("-");
    // the per-run ratios are printed to two decimals; the summary works from the unrounded values
    assertEquals(ratios.get(1), median, 0.0051, o.out());
    assertEquals(ratios.get(0), Double.parseDouble(range[0]), 0.0051, o.out());
    assertEquals(ratios.get(2), Double.parseDouble(range[1]), 0.0051, o.out());
    assertEquals("-", t[5], o.out());
  }

  @Test
  void profileSplitsKernelTimeIntoForwardAndBackward() {
    String demo = LanternModel.demoModelFile().toString();
    CliErrorsTest.Outcome o = CliErrorsTest.run("bench", "gradients", "--model", demo, "--repeats", "2",
        "--batches", "1", "--no-inversion", "--profile");
    assertEquals(0, o.code(), o.err());
    java.util.regex.Matcher m = java.util.regex.Pattern.compile(
        "kernel time per call: forward part ([0-9.]+) ms, backward part ([0-9.]+) ms").matcher(o.out());
    assertTrue(m.find(), o.out());
    assertTrue(Double.parseDouble(m.group(1)) > 0 && Double.parseDouble(m.group(2)) > 0, o.out());
  }

  @Test
  void eachBenchmarksHelpListsOnlyTheOptionsItTakes() {
    CliErrorsTest.Outcome inversion = CliErrorsTest.run("bench", "inversion", "--help");
    assertEquals(0, inversion.code(), inversion.err());
    assertTrue(inversion.out().contains("--steps") && !inversion.out().contains("--model"), inversion.out());
    CliErrorsTest.Outcome refused = CliErrorsTest.run("bench", "inversion", "--model", "m.onnx");
    assertEquals(2, refused.code(), refused.err());
    CliErrorsTest.Outcome gradients = CliErrorsTest.run("bench", "gradients", "--help");
    assertTrue(gradients.out().contains("--model") && !gradients.out().contains("--steps"), gradients.out());
  }

  @Test
  void batchBenchmarkTakesTheSharedVocabulary() {
    CliErrorsTest.Outcome help = CliErrorsTest.run("bench", "batch", "--help");
    assertTrue(help.out().contains("--images") && help.out().contains("--threads")
        && !help.out().contains("--shared"), help.out());
    // the positional counts it took before are refused with a pointer to the options
    CliErrorsTest.Outcome positional = CliErrorsTest.run("bench", "batch", "5");
    assertEquals(2, positional.code(), positional.err());
    CliErrorsTest.Outcome o = CliErrorsTest.run("bench", "batch", "--images", "4", "--rise-images", "1",
        "--memory-images", "8", "--rounds", "1", "--threads", "1");
    assertEquals(0, o.code(), o.err());
    assertTrue(o.out().contains("Grad-CAM over 4 images") && o.out().contains("RISE N=1000 over 1 images")
        && o.out().contains("after 8 images"), o.out());
  }
}
