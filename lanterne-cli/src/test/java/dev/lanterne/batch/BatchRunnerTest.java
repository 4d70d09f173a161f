package dev.lanterne.batch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanterne.LanterneException;
import dev.lanterne.cli.Main;
import dev.lanterne.explain.LanternModel;
import dev.lanterne.explain.Settings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Batch runs on 16 generated demo pictures (one of them broken): a run stopped at 10 random points
 * and resumed, and one killed with kill -9 in a child JVM and resumed, write the same map bytes and
 * metric rows as an uninterrupted run.
 */
class BatchRunnerTest {
  static final int IMAGES = 16;
  static final int BROKEN = 13;
  @TempDir
  static Path tmp;
  static LanternModel model;
  static Path manifest;
  static Path reference;

  /** Thrown from the after-image hook: the in-process stand-in for a kill. */
  static final class Killed extends RuntimeException {
    Killed() {
      super("killed by the test");
    }
  }

  static BatchConfig config() {
    return BatchConfig.of("gradcam,rise", Settings.of(Map.of("masks", "40"), 3)).withCurves(true, 256)
        .withShardSize(8).withBatch(4).withTarget(List.of("label"));
  }

  static List<BatchInput> inputs() {
    return BatchInput.read(manifest);
  }

  @BeforeAll
  static void setUp() throws IOException {
    model = LanternModel.demo();
    manifest = DemoImages.write(tmp.resolve("demo"), IMAGES, 11);
    Files.write(tmp.resolve("demo").resolve(String.format("images/%05d.png", BROKEN)), new byte[] {1, 2, 3, 4});
    reference = tmp.resolve("reference");
    BatchRunner.Result r = BatchRunner.run(model, config(), inputs(), reference, ShardWorker.Options.DEFAULTS);
    assertEquals(IMAGES, r.images());
    assertEquals(1, r.failed());
  }

  @AfterAll
  static void tearDown() {
    model.close();
  }

  @Test
  void referenceRunHasEveryOutput() throws IOException {
    List<Map<String, String>> rows = Csv.read(reference.resolve(BatchRun.METRICS));
    assertEquals((IMAGES - 1) * 2, rows.size(), "one row per good image and method");
    List<Map<String, String>> errors = Csv.read(reference.resolve(BatchRun.ERRORS));
    assertEquals(1, errors.size());
    assertEquals(Integer.toString(BROKEN), errors.get(0).get("index"));
    assertFalse(errors.get(0).get("reason").contains("\n"));
    ZarrArray maps = ZarrArray.open(reference.resolve("maps").resolve("rise"));
    assertArrayEquals(new int[] {IMAGES, 1, 64, 64}, maps.shape());
    assertTrue(Float.isNaN(maps.read(BROKEN)[0]), "a failed image reads as the fill value");
    assertFalse(Float.isNaN(maps.read(0)[0]));
    assertTrue(Files.isRegularFile(reference.resolve("summary.md")));
    assertTrue(Files.isRegularFile(reference.resolve("figures").resolve("histograms.png")));
    assertFalse(Files.exists(reference.resolve("work")), "work in progress is removed once shards are done");
    // the demo model points inside the drawn objects on almost every picture
    double hits = rows.stream().filter(r -> r.get("method").equals("gradcam"))
        .mapToInt(r -> Integer.parseInt(r.get("pointingHit"))).average().orElse(0);
    assertTrue(hits > 0.8, "pointing hit rate " + hits);
    Map<String, byte[]> before = files(reference);
    BatchRunner.Result again = BatchRunner.run(model, config(), inputs(), reference, ShardWorker.Options.DEFAULTS);
    assertEquals(0, again.computed(), "a finished run has nothing left to do");
    assertEquals(before.keySet(), files(reference).keySet());
    String runJson = Files.readString(reference.resolve(BatchRun.RUN_JSON));
    assertTrue(runJson.contains("\"masks\" : 40") && runJson.contains(model.sha256()), runJson);
  }

  @Test
  void resumeAfterTenRandomStopsGivesTheSameOutputs() throws IOException {
    Random random = new Random(2024);
    for (int trial = 0; trial < 10; trial++) {
      Path dir = tmp.resolve("stopped-" + trial);
      int stopAfter = 1 + random.nextInt(IMAGES - 1);
      int[] seen = {0};
      ShardWorker.Options stopping = ShardWorker.Options.DEFAULTS.withAfterImage(i -> {
        if (++seen[0] == stopAfter) {
          throw new Killed();
        }
      });
      assertThrows(Killed.class, () -> BatchRunner.run(model, config(), inputs(), dir, stopping),
          "stop after " + stopAfter);
      BatchRunner.run(model, config(), inputs(), dir, ShardWorker.Options.DEFAULTS);
      assertSameOutputs(reference, dir, "stopped after " + stopAfter + " images");
    }
  }

  @Test
  void resumeAfterKillNineGivesTheSameOutputs() throws Exception {
    Path dir = tmp.resolve("killed");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
        "-Djava.awt.headless=true", Main.class.getName(), "batch", "--input", manifest.toString(),
        "--out", dir.toString(), "--methods", "gradcam,rise", "--masks", "40", "--seed", "3", "--step", "256",
        "--shard", "8", "--batch", "4", "--class", "label"));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(tmp.resolve("child.log").toFile())
        .start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (p.isAlive() && System.nanoTime() < deadline && records(dir) < 6) {
      Thread.sleep(5);
    }
    assertTrue(p.isAlive(), "the child finished before it could be killed: " + Files.readString(tmp.resolve("child.log")));
    p.destroyForcibly();  // SIGKILL
    p.waitFor();
    // part-way: some shard is not done (between a shard's done marker and the removal of its group
    // records, records() counts that shard twice and reaches IMAGES with the second shard not started)
    assertTrue(dirCount(dir.resolve("shards"), ".done") < IMAGES / 8, "killed part-way");
    BatchRunner.run(model, config(), inputs(), dir, ShardWorker.Options.DEFAULTS);
    assertSameOutputs(reference, dir, "killed with kill -9");
  }

  @Test
  void otherSettingsIntoTheSameFolderAreRefused() {
    BatchConfig other = BatchConfig.of("gradcam,rise", Settings.of(Map.of("masks", "41"), 3)).withCurves(true, 256)
        .withShardSize(8).withBatch(4).withTarget(List.of("label"));
    LanterneException e = assertThrows(LanterneException.class,
        () -> BatchRun.create(reference, model, other, inputs(), 1));
    assertEquals(LanterneException.USAGE, e.exitCode());
    assertTrue(e.getMessage().contains("other settings"), e.getMessage());
    assertEquals(2, Main.run("batch", "--input", manifest.toString(), "--out", reference.toString(),
        "--methods", "gradcam", "--class", "label"));
  }

  @Test
  void commandLineExitCodeCountsFailedImages() {
    Path dir = tmp.resolve("cli");
    int code = Main.run("batch", "--input", manifest.toString(), "--out", dir.toString(), "--methods", "center",
        "--no-curves", "--shard", "10", "--png");
    assertEquals(3, code, "2 + one failed image");
    assertTrue(Files.isRegularFile(dir.resolve("png").resolve("center").resolve("0000000-0-" + Csv.read(
        dir.resolve(BatchRun.METRICS)).get(0).get("class") + ".png")));
  }

  /** Images whose records are written so far (group records and done markers). */
  static int records(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      // a group record covers 4 images (the batch), a done marker 8 (the shard)
      return 4 * (int) s.filter(p -> p.getFileName().toString().matches("\\d{7}\\.csv")).count()
          + 8 * (int) dirCount(dir.resolve("shards"), ".done");
    } catch (java.io.UncheckedIOException e) {
      return 0;
    }
  }

  private static long dirCount(Path dir, String suffix) throws IOException {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.toString().endsWith(suffix)).count();
    }
  }

  /** Same map bytes, same metric rows (timings aside), same errors, nothing half-written left. */
  static void assertSameOutputs(Path expected, Path actual, String what) throws IOException {
    Map<String, byte[]> a = files(expected.resolve("maps"));
    Map<String, byte[]> b = files(actual.resolve("maps"));
    assertEquals(a.keySet(), b.keySet(), what + ": map files");
    for (String k : a.keySet()) {
      assertArrayEquals(a.get(k), b.get(k), what + ": bytes of " + k);
    }
    assertEquals(rowsWithoutTime(expected.resolve(BatchRun.METRICS)), rowsWithoutTime(actual.resolve(BatchRun.METRICS)),
        what + ": metric rows");
    assertEquals(Files.readString(expected.resolve(BatchRun.ERRORS)), Files.readString(actual.resolve(BatchRun.ERRORS)),
        what + ": errors");
    assertEquals(Files.readString(expected.resolve(Manifest.FILE)), Files.readString(actual.resolve(Manifest.FILE)));
    try (Stream<Path> s = Files.walk(actual)) {
      List<Path> temp = s.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList();
      assertTrue(temp.isEmpty(), what + ": temporary files left " + temp);
    }
  }

  static List<String> rowsWithoutTime(Path csv) {
    List<String> out = new ArrayList<>();
    for (Map<String, String> r : Csv.read(csv)) {
      r.remove("seconds");
      out.add(r.toString());
    }
    return out;
  }

  static Map<String, byte[]> files(Path dir) throws IOException {
    Map<String, byte[]> out = new TreeMap<>();
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        out.put(dir.relativize(p).toString(), Files.readAllBytes(p));
      }
    }
    return out;
  }

  static String text(Path p) throws IOException {
    return Files.readString(p, StandardCharsets.UTF_8);
  }
}
