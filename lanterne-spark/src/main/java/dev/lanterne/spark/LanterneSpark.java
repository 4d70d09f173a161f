package dev.lanterne.spark;

import dev.lanterne.LanterneException;
import dev.lanterne.batch.BatchConfig;
import dev.lanterne.batch.BatchInput;
import dev.lanterne.batch.BatchRun;
import dev.lanterne.batch.BatchRunner;
import dev.lanterne.batch.Summary;
import dev.lanterne.explain.LanternModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Explains and scores a whole image set on Spark, in the run folder layout of {@code lanterne batch}
 * (run.json, manifest.csv, maps/, shards/ with done markers, metrics.csv, summary.md), so a run
 * started by one can be finished by the other. The driver freezes the manifest and hands out shard
 * ids, not images or perturbations; each executor opens one model, lazily, shared by its tasks; each
 * task explains one shard. The run folder must be on a file system every executor sees (local in
 * {@code local[*]}, NFS or a mounted bucket on a cluster).
 *
 * <pre>{@code
 * Dataset<Row> images = spark.read().option("header", true).csv("images.csv");   // column "path"
 * Dataset<Row> metrics = LanterneSpark.explain(spark, images, Path.of("model.onnx"),
 *     BatchConfig.of("gradcam,rise", Settings.DEFAULTS), Path.of("/shared/run"));
 * }</pre>
 */
public final class LanterneSpark {
  /** The image column; "label" and "boxes" ("x0 y0 x1 y1; ...") are read when present. */
  public static final String PATH = "path";

  private LanterneSpark() {}

  /** What the tasks did: one entry per shard explained in this call. */
  public record Report(List<String> shards, double seconds) {}

  /**
   * Runs (or resumes) the run in {@code out} and returns the metric table (metrics.csv) as a Dataset.
   *
   * @param images rows with a {@code path} column, and optionally {@code label} and {@code boxes}
   */
  public static Dataset<Row> explain(SparkSession spark, Dataset<Row> images, Path modelFile, BatchConfig config,
      Path out) {
    run(spark, inputs(images), modelFile, config, out);
    return metrics(spark, out);
  }

  /** The run's metric table as a Dataset (columns as in metrics.csv, numbers typed). */
  public static Dataset<Row> metrics(SparkSession spark, Path out) {
    return spark.read().option("header", "true").option("inferSchema", "true")
        .csv(out.resolve(BatchRun.METRICS).toString());
  }

  /**
   * Writes the metric table as Parquet ({@code metrics.parquet} in the run folder), with the Parquet
   * writer Spark already carries; the core writes CSV only (a Parquet writer needs Hadoop's ~20 MB
   * client API besides ~9 MB of Parquet jars).
   */
  public static Path writeParquet(SparkSession spark, Path out) {
    Path file = out.resolve("metrics.parquet");
    metrics(spark, out).coalesce(1).write().mode("overwrite").parquet(file.toString());
    return file;
  }

  /** The inputs a Dataset of paths names, in its order. */
  public static List<BatchInput> inputs(Dataset<Row> images) {
    List<String> columns = Arrays.asList(images.columns());
    if (!columns.contains(PATH)) {
      throw LanterneException.usage("the image Dataset needs a '" + PATH + "' column; it has " + columns);
    }
    boolean label = columns.contains("label");
    boolean boxes = columns.contains("boxes");
    List<BatchInput> out = new ArrayList<>();
    for (Row r : images.collectAsList()) {
      String p = r.getAs(PATH);
      String l = label ? r.getAs("label") : "";
      String b = boxes ? r.getAs("boxes") : "";
      out.add(new BatchInput(Path.of(p), l, BatchInput.parseBoxes(b, "row " + out.size())));
    }
    return out;
  }

  /** Rows of paths (and labels and boxes) for {@link #explain}, from a list of inputs. */
  public static Dataset<Row> dataset(SparkSession spark, List<BatchInput> inputs) {
    StructType schema = new StructType().add(PATH, DataTypes.StringType).add("label", DataTypes.StringType)
        .add("boxes", DataTypes.StringType);
    List<Row> rows = new ArrayList<>();
    for (BatchInput in : inputs) {
      rows.add(RowFactory.create(in.path().toString(), in.label(), BatchInput.formatBoxes(in.boxes())));
    }
    return spark.createDataFrame(rows, schema);
  }

  /** Runs the shards not yet done as Spark tasks, then joins the tables and writes the summary. */
  public static Report run(SparkSession spark, List<BatchInput> inputs, Path modelFile, BatchConfig config,
      Path out) {
    long t0 = System.nanoTime();
    Path dir = out.toAbsolutePath();
    try (LanternModel driverModel = LanternModel.builder(modelFile).batch(config.batch()).open()) {
      BatchRun run = BatchRun.create(dir, driverModel, config, inputs,
          Math.max(1, Runtime.getRuntime().availableProcessors()));
      run.sweepTemporaryFiles();
      List<Integer> pending = run.pendingShards();
      List<String> done = List.of();
      if (!pending.isEmpty()) {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        done = sc.parallelize(pending, pending.size())
            .map(new ShardTask(dir.toString(), modelFile.toAbsolutePath().toString(), 2)).collect();
      }
      BatchRunner.consolidate(run);
      Summary.write(run, driverModel);
      return new Report(done, (System.nanoTime() - t0) / 1e9);
    }
  }
}
