package dev.lanterne.batch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lanterne.LanterneException;
import dev.lanterne.explain.LanternModel;
import dev.lanterne.explain.Setting;
import dev.lanterne.explain.Settings;
import dev.lanterne.metrics.Substrate;
import dev.lanterne.methods.MethodInfo;
import dev.lanterne.model.Labels;
import dev.lanterne.model.ModelCard;
import dev.lanterne.tensor.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A batch run's folder: {@code run.json} (model SHA-256 and card, methods with every option, seed,
 * target, metric settings, Lanterne version), the frozen {@code manifest.csv}, one Zarr array per
 * method under {@code maps/}, per-shard metric and error files with their done markers under
 * {@code shards/}, work in progress under {@code work/}, and at the end {@code metrics.csv},
 * {@code errors.csv} and {@code summary.md}. Shared by {@code lanterne batch} and the Spark job, so
 * either can finish a run the other started.
 */
public final class BatchRun {
  /** File name of the run's record (configuration, model, version). */
  public static final String RUN_JSON = "run.json";
  /** File name of the merged metric table. */
  public static final String METRICS = "metrics.csv";
  /** File name of the merged error table. */
  public static final String ERRORS = "errors.csv";
  static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final Path dir;
  private final BatchConfig config;
  private final Manifest manifest;
  private final JsonNode record;
  private final int classesPerImage;
  private final int[] chw;

  private BatchRun(Path dir, BatchConfig config, Manifest manifest, JsonNode record) {
    this.dir = dir;
    this.config = config;
    this.manifest = manifest;
    this.record = record;
    JsonNode m = record.path("config").path("model");
    this.chw = new int[] {m.path("input").get(0).asInt(), m.path("input").get(1).asInt(), m.path("input").get(2).asInt()};
    this.classesPerImage = record.path("config").path("classesPerImage").asInt();
  }

  /**
   * Starts a run in a folder, or continues the one there: the folder's run.json must describe the
   * same model, methods, options, seed and images, else the run is refused (no mixed outputs).
   *
   * @param hashThreads threads that hash the inputs when the manifest is frozen
   */
  public static BatchRun create(Path dir, LanternModel model, BatchConfig config, List<BatchInput> inputs,
      int hashThreads) {
    List<MethodInfo> infos = config.check();
    ObjectNode cfg = configJson(model, config, infos, inputs.size());
    Path runJson = dir.resolve(RUN_JSON);
    if (Files.isRegularFile(runJson)) {
      BatchRun existing = open(dir);
      JsonNode old = existing.record.path("config");
      if (!old.equals(cfg)) {
        throw LanterneException.usage("out", "the folder " + dir + " holds a run with other settings ("
            + difference(old, cfg) + "); give a new output folder, or the same settings to resume it");
      }
      List<Path> paths = inputs.stream().map(BatchInput::path).toList();
      if (!existing.manifest.paths().equals(paths)) {
        throw LanterneException.usage("out", "the folder " + dir + " holds a run over other images; give a new"
            + " output folder, or the same inputs to resume it");
      }
      return existing;
    }
    AtomicFiles.prepareOutputDir(dir);
    Manifest manifest = Manifest.freeze(inputs, hashThreads);
    manifest.write(dir.resolve(Manifest.FILE));
    ObjectNode root = JSON.createObjectNode();
    root.put("lanterne", version());
    root.set("config", cfg);
    BatchRun run = new BatchRun(dir, config, manifest, root);
    for (String method : config.methods()) {
      Map<String, Object> attrs = new LinkedHashMap<>();
      attrs.put("method", method);
      attrs.put("model_sha256", model.sha256());
      attrs.put("target", config.target());
      attrs.put("note", "maps[image, rank] explains the class in metrics.csv for that index and rank; NaN: failed");
      ZarrArray.create(run.mapsDir(method), run.mapShape(), attrs);
    }
    try {
      // written last: a folder with run.json is a complete run description
      AtomicFiles.write(runJson, JSON.writeValueAsBytes(root));
    } catch (IOException e) {
      throw new LanterneException("cannot write " + runJson + " (" + e.getMessage() + ")", e);
    }
    return run;
  }

  /** Opens an existing run folder (to resume it, or in a Spark task). */
  public static BatchRun open(Path dir) {
    Path runJson = dir.resolve(RUN_JSON);
    if (!Files.isRegularFile(runJson)) {
      throw LanterneException.usage(dir + " is not a batch run folder (no " + RUN_JSON + ")");
    }
    JsonNode root;
    try {
      root = JSON.readTree(runJson.toFile());
    } catch (IOException e) {
      throw new LanterneException("cannot read " + runJson + " (" + e.getMessage() + ")", e);
    }
    JsonNode c = root.path("config");
    Map<String, String> given = new LinkedHashMap<>();
    c.path("options").fields().forEachRemaining(e -> given.put(e.getKey(), e.getValue().asText()));
    Settings settings = Settings.of(given, c.path("seed").asLong());
    List<String> methods = new ArrayList<>();
    c.path("methods").forEach(m -> methods.add(m.path("name").asText()));
    List<String> target = new ArrayList<>();
    c.path("target").forEach(t -> target.add(t.asText()));
    JsonNode met = c.path("metrics");
    BatchConfig config = new BatchConfig(methods, settings, target, met.path("deletionInsertion").asBoolean(),
        met.path("pixelsPerStepOption").asInt(), Substrate.parse(met.path("deletionSubstrate").asText()),
        Substrate.parse(met.path("insertionSubstrate").asText()), met.path("pointingTolerance").asInt(),
        c.path("shardSize").asInt(), c.path("batch").asInt(), c.path("png").asBoolean());
    Manifest manifest = Manifest.read(dir.resolve(Manifest.FILE));
    return new BatchRun(dir, config, manifest, root);
  }

  private static ObjectNode configJson(LanternModel model, BatchConfig config, List<MethodInfo> infos, int images) {
    ObjectNode c = JSON.createObjectNode();
    ObjectNode m = c.putObject("model");
    m.put("file", model.path().getFileName().toString());
    m.put("sha256", model.sha256());
    m.putPOJO("input", model.inputShape());
    try {
      m.set("card", JSON.readTree(model.card().toJson()));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    List<String> labels = new ArrayList<>();
    for (int k = 0; k < model.numClasses(); k++) {
      labels.add(model.labels().get(k));
    }
    m.putPOJO("labels", labels);
    var methods = c.putArray("methods");
    for (MethodInfo info : infos) {
      ObjectNode o = methods.addObject();
      o.put("name", info.name());
      o.put("family", info.family());
      ObjectNode s = o.putObject("settings");
      for (Setting<?> setting : info.settings()) {
        Object v = config.settings().get(setting);
        if (v == null) {
          s.putNull(setting.name());
        } else {
          s.putPOJO(setting.name(), v);
        }
      }
    }
    ObjectNode given = c.putObject("options");
    config.settings().values().entrySet().stream().sorted(Map.Entry.comparingByKey())
        .forEach(e -> given.put(e.getKey(), e.getValue()));
    c.put("seed", config.settings().seed());
    c.putPOJO("target", config.target());
    c.put("classesPerImage", config.classesPerImage(model.numClasses()));
    ObjectNode met = c.putObject("metrics");
    met.put("deletionInsertion", config.curves());
    met.put("pixelsPerStepOption", config.pixelsPerStep());
    met.put("deletionSubstrate", config.deletionSubstrate().cliName());
    met.put("insertionSubstrate", config.insertionSubstrate().cliName());
    met.put("pointingTolerance", config.tolerance());
    c.put("shardSize", config.shardSize());
    c.put("batch", config.batch());
    c.put("png", config.png());
    c.put("images", images);
    // round-trip through text so a freshly built node compares equal to one read back from run.json
    try {
      return (ObjectNode) JSON.readTree(JSON.writeValueAsBytes(c));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String difference(JsonNode old, JsonNode now) {
    Iterator<String> names = now.fieldNames();
    while (names.hasNext()) {
      String n = names.next();
      if (!now.get(n).equals(old.get(n))) {
        return n + " was " + shortText(old.get(n)) + ", now " + shortText(now.get(n));
      }
    }
    return "other settings";
  }

  private static String shortText(JsonNode n) {
    String s = n == null ? "absent" : n.toString();
    return s.length() > 80 ? s.substring(0, 77) + "..." : s;
  }

  /** The Lanterne version (from the jar manifest; "dev" when run from classes). */
  public static String version() {
    String v = BatchRun.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }

  /** The run folder. */
  public Path dir() {
    return dir;
  }

  /** What the run computes. */
  public BatchConfig config() {
    return config;
  }

  /** The frozen images of the run. */
  public Manifest manifest() {
    return manifest;
  }

  /** The run.json content. */
  public JsonNode record() {
    return record;
  }

  /** SHA-256 of the model the run explains. */
  public String modelSha256() {
    return record.path("config").path("model").path("sha256").asText();
  }

  /** The model card recorded in run.json. */
  public ModelCard card() {
    try {
      return JSON.treeToValue(record.path("config").path("model").path("card"), ModelCard.class);
    } catch (IOException e) {
      throw new LanterneException("cannot read the model card in " + dir.resolve(RUN_JSON), e);
    }
  }

  /** The labels recorded in run.json. */
  public Labels labels() {
    List<String> l = new ArrayList<>();
    record.path("config").path("model").path("labels").forEach(n -> l.add(n.asText()));
    return Labels.of(l);
  }

  /** Checks that a model is the one this run explains. */
  public void checkModel(LanternModel model) {
    if (!model.sha256().equals(modelSha256())) {
      throw LanterneException.usage("this run explains the model with SHA-256 " + modelSha256().substring(0, 12)
          + "..., not " + model.path().getFileName() + " (" + model.sha256().substring(0, 12) + "...); give the same"
          + " model to resume it");
    }
  }

  /** Classes explained per image, K. */
  public int classesPerImage() {
    return classesPerImage;
  }

  /** {N, K, H, W} of every map store. */
  public int[] mapShape() {
    return new int[] {manifest.size(), classesPerImage, chw[1], chw[2]};
  }

  /** The folder of a method's map store (a Zarr array). */
  public Path mapsDir(String method) {
    return dir.resolve("maps").resolve(method);
  }

  /** The map store of a method. */
  public ZarrArray maps(String method) {
    return ZarrArray.open(mapsDir(method));
  }

  /** Number of shards (the last may hold fewer images). */
  public int shards() {
    return (manifest.size() + config.shardSize() - 1) / config.shardSize();
  }

  /** First image of a shard. */
  public int shardStart(int shard) {
    return shard * config.shardSize();
  }

  /** One past the last image of a shard. */
  public int shardEnd(int shard) {
    return Math.min(manifest.size(), (shard + 1) * config.shardSize());
  }

  static String shardName(int shard) {
    return String.format("shard-%06d", shard);
  }

  /** The folder of the per-shard metric, error and done files. */
  public Path shardsDir() {
    return dir.resolve("shards");
  }

  /** The done marker of a shard, written after its metric and error files. */
  public Path doneMarker(int shard) {
    return shardsDir().resolve(shardName(shard) + ".done");
  }

  /** The metric table of a shard. */
  public Path shardMetrics(int shard) {
    return shardsDir().resolve(shardName(shard) + ".csv");
  }

  /** The error table of a shard. */
  public Path shardErrors(int shard) {
    return shardsDir().resolve(shardName(shard) + ".errors.csv");
  }

  /** Per-image records of a shard in progress. */
  public Path workDir(int shard) {
    return dir.resolve("work").resolve(shardName(shard));
  }

  /** Whether a shard's done marker exists, that is its results are complete. */
  public boolean isDone(int shard) {
    return Files.isRegularFile(doneMarker(shard));
  }

  /** Shards not yet done, in order. */
  public List<Integer> pendingShards() {
    List<Integer> out = new ArrayList<>();
    for (int s = 0; s < shards(); s++) {
      if (!isDone(s)) {
        out.add(s);
      }
    }
    return out;
  }

  /**
   * Deletes the hidden temporary files a killed writer can leave (".NAME123.tmp" beside NAME); call
   * only when no other process works on this run.
   */
  public void sweepTemporaryFiles() {
    try (java.util.stream.Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.filter(p -> {
        String n = p.getFileName().toString();
        return n.startsWith(".") && n.endsWith(".tmp");
      }).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException | java.io.UncheckedIOException e) {
      // best effort: hidden temporary files are never read as outputs
    }
  }

  /** The seed of every random draw. */
  public long seed() {
    return config.settings().seed();
  }
}
