package dev.lanterne.spark;

import dev.lanterne.LanterneException;
import dev.lanterne.batch.BatchConfig;
import dev.lanterne.batch.BatchInput;
import dev.lanterne.explain.Settings;
import dev.lanterne.metrics.Substrate;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * The spark-submit entry point: {@code BatchJob INPUT OUT [name=value ...]} with INPUT a folder, list
 * file or CSV manifest as for {@code lanterne batch}, and the same settings written name=value:
 * model=FILE methods=gradcam,rise class=label seed=0 shard=256 batch=32 step=0 curves=false png=true
 * parquet=true (also metrics.parquet)
 * and any method option (masks=1000, grid=7, layer=NAME ...).
 */
public final class BatchJob {
  private BatchJob() {}

  public static void main(String[] args) {
    if (args.length < 2) {
      System.err.println("usage: BatchJob INPUT OUT [model=FILE] [methods=gradcam,...] [name=value ...]");
      System.exit(LanterneException.USAGE);
    }
    try {
      Map<String, String> kv = new LinkedHashMap<>();
      for (int i = 2; i < args.length; i++) {
        int eq = args[i].indexOf('=');
        if (eq < 1) {
          throw LanterneException.usage("expected name=value, got '" + args[i] + "'");
        }
        kv.put(args[i].substring(0, eq).strip(), args[i].substring(eq + 1).strip());
      }
      String modelArg = kv.remove("model");
      boolean parquet = Boolean.parseBoolean(kv.remove("parquet"));
      Path model = modelArg == null ? dev.lanterne.explain.LanternModel.demoModelFile() : Path.of(modelArg);
      BatchConfig config = config(kv);
      List<BatchInput> inputs = BatchInput.read(Path.of(args[0]));
      SparkSession spark = SparkSession.builder().appName("lanterne batch").getOrCreate();
      try {
        LanterneSpark.Report r = LanterneSpark.run(spark, inputs, model, config, Path.of(args[1]));
        if (parquet) {
          LanterneSpark.writeParquet(spark, Path.of(args[1]));
        }
        System.out.println("lanterne spark: " + inputs.size() + " images, " + r.shards().size()
            + " shards explained in " + String.format(java.util.Locale.ROOT, "%.1f", r.seconds()) + " s; wrote "
            + Path.of(args[1]).resolve("summary.md"));
      } finally {
        spark.stop();
      }
    } catch (LanterneException e) {
      System.err.println("lanterne spark: error: " + e.getMessage());
      System.exit(e.exitCode());
    }
  }

  /** The run's settings from name=value pairs (what is not a run setting is a method option). */
  static BatchConfig config(Map<String, String> kv) {
    Map<String, String> m = new LinkedHashMap<>(kv);
    String methods = m.getOrDefault("methods", "gradcam");
    m.remove("methods");
    long seed = Long.parseLong(m.getOrDefault("seed", "0"));
    m.remove("seed");
    BatchConfig c = BatchConfig.of(methods, Settings.DEFAULTS);
    if (m.containsKey("class")) {
      c = c.withTarget(List.of(m.remove("class").split("\\s+")));
    }
    c = c.withCurves(!"false".equalsIgnoreCase(m.getOrDefault("curves", "true")),
        Integer.parseInt(m.getOrDefault("step", "0")));
    m.remove("curves");
    m.remove("step");
    if (m.containsKey("shard")) {
      c = c.withShardSize(Integer.parseInt(m.remove("shard")));
    }
    if (m.containsKey("batch")) {
      c = c.withBatch(Integer.parseInt(m.remove("batch")));
    }
    if (m.containsKey("png")) {
      c = c.withPng(Boolean.parseBoolean(m.remove("png")));
    }
    if (m.containsKey("deletion-substrate") || m.containsKey("insertion-substrate")) {
      c = c.withSubstrates(Substrate.parse(m.getOrDefault("deletion-substrate", "black")),
          Substrate.parse(m.getOrDefault("insertion-substrate", "blur")));
      m.remove("deletion-substrate");
      m.remove("insertion-substrate");
    }
    if (m.containsKey("tolerance")) {
      c = c.withTolerance(Integer.parseInt(m.remove("tolerance")));
    }
    List<String> known = dev.lanterne.methods.Methods.standard().settings().stream().map(x -> x.name()).toList();
    for (String k : m.keySet()) {
      if (!known.contains(k)) {
        throw LanterneException.usage("unknown setting '" + k + "'; method options are " + String.join(", ", known));
      }
    }
    BatchConfig out = new BatchConfig(c.methods(), Settings.of(m, seed), c.target(), c.curves(), c.pixelsPerStep(),
        c.deletionSubstrate(), c.insertionSubstrate(), c.tolerance(), c.shardSize(), c.batch(), c.png());
    out.check();
    return out;
  }
}
