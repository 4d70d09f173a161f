package dev.lanterne.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanterne.batch.BatchConfig;
import dev.lanterne.batch.BatchInput;
import dev.lanterne.batch.BatchRun;
import dev.lanterne.batch.BatchRunner;
import dev.lanterne.batch.Csv;
import dev.lanterne.batch.DemoImages;
import dev.lanterne.batch.ShardWorker;
import dev.lanterne.explain.LanternModel;
import dev.lanterne.explain.Settings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Spark job in local[2] on 16 generated pictures writes what lanterne batch writes, and finishes its runs. */
class LanterneSparkTest {
  /** A few dozen in CI; -Dlanterne.spark.images=200 measures the overhead the README quotes. */
  static final int IMAGES = Integer.getInteger("lanterne.spark.images", 16);
  @TempDir
  static Path tmp;
  static SparkSession spark;
  static LanternModel model;
  static List<BatchInput> inputs;
  static Path reference;
  static double batchSeconds;

  static BatchConfig config() {
    return BatchConfig.of("gradcam,rise", Settings.of(Map.of("masks", "40"), 3)).withCurves(true, 256)
        .withShardSize(4).withBatch(4).withTarget(List.of("label"));
  }

  @BeforeAll
  static void setUp() throws IOException {
    Path manifest = DemoImages.write(tmp.resolve("demo"), IMAGES, 5);
    Files.write(tmp.resolve("demo").resolve("images/00006.png"), new byte[] {9, 9, 9});
    inputs = BatchInput.read(manifest);
    model = LanternModel.demo();
    reference = tmp.resolve("batch");
    long t0 = System.nanoTime();
    BatchRunner.run(model, config(), inputs, reference, ShardWorker.Options.DEFAULTS);
    batchSeconds = (System.nanoTime() - t0) / 1e9;
    spark = SparkSession.builder().master("local[2]").appName("lanterne-test").config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2").config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.driver.host", "127.0.0.1").config("spark.sql.warehouse.dir", tmp.resolve("warehouse").toString())
        .getOrCreate();
  }

  @AfterAll
  static void tearDown() {
    if (spark != null) {
      spark.stop();
    }
    model.close();
  }

  @Test
  void sparkWritesWhatBatchWrites() throws IOException {
    Path out = tmp.resolve("spark");
    long t0 = System.nanoTime();
    Dataset<Row> metrics = LanterneSpark.explain(spark, LanterneSpark.dataset(spark, inputs),
        LanternModel.demoModelFile(), config(), out);
    double sparkSeconds = (System.nanoTime() - t0) / 1e9;
    System.out.printf("spark local[2]: %.1f s, lanterne batch: %.1f s for %d images (ratio %.2f)%n", sparkSeconds,
        batchSeconds, IMAGES, sparkSeconds / batchSeconds);
    assertEquals((IMAGES - 1) * 2L, metrics.count());
    assertSameOutputs(reference, out);
    assertEquals(1, ExecutorModels.opened(), "one model per executor JVM, shared by its tasks");
  }

  @Test
  void sparkFinishesARunThatBatchStarted() throws IOException {
    Path out = tmp.resolve("handover");
    int[] seen = {0};
    assertThrows(IllegalStateException.class, () -> BatchRunner.run(model, config(), inputs, out,
        ShardWorker.Options.DEFAULTS.withAfterImage(i -> {
          if (++seen[0] == 7) {
            throw new IllegalStateException("stopped by the test");
          }
        })));
    LanterneSpark.Report r = LanterneSpark.run(spark, inputs, LanternModel.demoModelFile(), config(), out);
    assertTrue(r.shards().size() < IMAGES / 4, "shards done by batch are skipped: " + r.shards());
    assertSameOutputs(reference, out);
  }

  static void assertSameOutputs(Path expected, Path actual) throws IOException {
    Map<String, byte[]> a = files(expected.resolve("maps"));
    Map<String, byte[]> b = files(actual.resolve("maps"));
    assertEquals(a.keySet(), b.keySet());
    for (String k : a.keySet()) {
      assertArrayEquals(a.get(k), b.get(k), "bytes of " + k);
    }
    assertEquals(rows(expected.resolve(BatchRun.METRICS)), rows(actual.resolve(BatchRun.METRICS)));
    assertEquals(Files.readString(expected.resolve(BatchRun.ERRORS)), Files.readString(actual.resolve(BatchRun.ERRORS)));
  }

  static List<String> rows(Path csv) {
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
}
