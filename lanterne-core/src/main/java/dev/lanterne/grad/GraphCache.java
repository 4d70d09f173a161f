package dev.lanterne.grad;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import dev.lanterne.LanterneException;
import dev.lanterne.onnx.OnnxModels;
import dev.lanterne.onnx.proto.Onnx;
import dev.lanterne.tensor.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Derived graphs on disk, keyed by the model's SHA-256, the compile options and the compiler's
 * identity ({@link CompilerIdentity}), so each is built once. Beside each graph lies a digest of its
 * bytes and key; an entry whose digest does not match (damaged, partial, or changed after it was
 * written) is rebuilt. A cache folder that cannot be written is not an error: the graphs are
 * compiled in memory, with a one-line warning.
 *
 * Each kind (saliency, Grad-CAM, inversion step) is its own file, compiled and read only when asked for.
 *
 * <p>Weights are stored once: every initializer of at least {@link #SHARED_BYTES} bytes goes to
 * {@code tensors/<sha256>} and the graph file refers to it as ONNX external data. The three graphs of a
 * model read the same weights (and on a quantized model the same dequantized float copy), and so do graphs
 * of other options or of an earlier compiler, so each tensor is on disk once however many graphs use it.
 * A tensor file is checked against its name when read; a missing or damaged one makes the entry rebuilt.
 *
 * <p>Reading an entry marks its files as used (their modification time). The first time a process stores an
 * entry in a cache folder, it removes the entries and tensor files there that were not used for
 * {@link #UNUSED_LIMIT}: graphs of models no longer explained, or of an earlier compiler, do not pile up.
 *
 * <p>Thread-safe: entries are written atomically; concurrent writers of one entry write the same bytes.
 */
public final class GraphCache {
  /** Initializers this large or larger are stored once by content; smaller ones stay in the graph file. */
  static final int SHARED_BYTES = 1024;
  private static final String TENSORS = "tensors";
  private static final Pattern TENSOR_NAME = Pattern.compile("[0-9a-f]{64}");

  /** Entries and tensor files unused for this long are removed (see the class comment). */
  public static final Duration UNUSED_LIMIT = Duration.ofDays(30);
  private static final Pattern ENTRY_NAME =
      Pattern.compile("[0-9a-f]{64}-[0-9a-f]{16}\\.[a-z]+\\.onnx(\\.sha256)?");
  /** Folders this process has pruned already (once per folder is enough). */
  private static final Set<Path> PRUNED = ConcurrentHashMap.newKeySet();

  private final Path dir;

  /** A cache in this folder, created when first written. */
  public GraphCache(Path dir) {
    this.dir = dir;
  }

  /**
   * {cache}/graphs, where {cache} is the system property lanterne.cache, else env LANTERNE_CACHE, else
   * ~/.cache/lanterne (the same root the CLI uses for its other cached files).
   */
  public static Path defaultDir() {
    return dev.lanterne.model.CacheRoot.dir().resolve("graphs");
  }

  /** The cache folder. */
  public Path dir() {
    return dir;
  }

  /**
   * The cache key of a model (serialized, external data inlined) under the given options, compiled by
   * this compiler: it changes whenever the compiler's code does.
   */
  public static String key(Onnx.ModelProto model, GradientOptions options) {
    String optionsHash = OnnxModels.sha256((options.key() + "|compiler " + CompilerIdentity.get())
        .getBytes(StandardCharsets.UTF_8)).substring(0, 16);
    return OnnxModels.sha256(model.toByteArray()) + "-" + optionsHash;
  }

  /** All three graphs, each from the cache or freshly compiled (and stored). */
  public GradientCompiler.Graphs getOrCompile(Onnx.ModelProto model, GradientOptions options) {
    String key = key(model, options);
    GradientCompiler.Graphs cached = read(key);
    if (cached != null) {
      return cached;
    }
    GradientCompiler.Graphs graphs = GradientCompiler.compile(model, options);
    try {
      // the three graphs share their weights: each tensor file is written once
      Set<String> written = new HashSet<>();
      store(key, "saliency", graphs.saliency(), written);
      store(key, "gradcam", graphs.gradcam(), written);
      store(key, "inversion", graphs.inversion(), written);
      pruneOnce();
    } catch (LanterneException e) {
      warnUnwritable(e);
    }
    return graphs;
  }

  /** The graph of one kind, from the cache or freshly compiled (and stored); the others are not built. */
  public Onnx.ModelProto getOrCompile(Onnx.ModelProto model, GradientOptions options, GradientCompiler.Kind kind) {
    String key = key(model, options);
    try {
      Onnx.ModelProto cached = parse(key, kind.fileName(), new HashMap<>());
      if (cached != null && (kind != GradientCompiler.Kind.GRADCAM || GradientCompiler.layerOf(cached) != null)) {
        return cached;
      }
    } catch (RuntimeException | IOException e) {
      // damaged: compile it again
    }
    Onnx.ModelProto graph = GradientCompiler.compile(model, options, kind);
    try {
      store(key, kind.fileName(), graph, new HashSet<>());
      pruneOnce();
    } catch (LanterneException e) {
      warnUnwritable(e);
    }
    return graph;
  }

  private static final Set<Path> WARNED = ConcurrentHashMap.newKeySet();

  /** An unwritable or full cache: say so once per folder, and go on with the graphs compiled in memory. */
  private void warnUnwritable(LanterneException e) {
    if (WARNED.add(dir.toAbsolutePath())) {
      System.err.println("lanterne: warning: cannot write the graph cache " + dir.toAbsolutePath() + " ("
          + e.getMessage().replaceAll("\\s+", " ") + "); compiling in memory each time. Set LANTERNE_CACHE to a"
          + " writable folder to keep compiled graphs");
    }
  }

  /** Writes an entry, then its digest (so an entry without a matching digest is never trusted). */
  private void store(String key, String kind, Onnx.ModelProto graph, Set<String> written) {
    try {
      Files.createDirectories(dir);
    } catch (IOException | RuntimeException e) {
      throw new LanterneException("cannot create it: " + e.getMessage(), e);
    }
    byte[] bytes = withSharedTensors(graph, written).toByteArray();
    AtomicFiles.write(file(key, kind), bytes);
    AtomicFiles.write(digestFile(key, kind), digest(key, bytes).getBytes(StandardCharsets.UTF_8));
  }

  /** The digest of an entry: its bytes bound to its key (model SHA-256, options, compiler identity). */
  private static String digest(String key, byte[] bytes) {
    return OnnxModels.sha256((key + ":" + OnnxModels.sha256(bytes)).getBytes(StandardCharsets.UTF_8));
  }

  private Path digestFile(String key, String kind) {
    return dir.resolve(key + "." + kind + ".onnx.sha256");
  }

  private Path file(String key, String kind) {
    return dir.resolve(key + "." + kind + ".onnx");
  }

  private GradientCompiler.Graphs read(String key) {
    try {
      // the three graphs hold the same weights: read each tensor file once, and share its bytes
      Map<String, ByteString> loaded = new HashMap<>();
      Onnx.ModelProto sal = parse(key, "saliency", loaded);
      Onnx.ModelProto cam = parse(key, "gradcam", loaded);
      Onnx.ModelProto inv = parse(key, "inversion", loaded);
      if (sal == null || cam == null || inv == null) {
        return null;
      }
      String layer = cam.getMetadataPropsList().stream().filter(e -> e.getKey().equals(GradientCompiler.LAYER_KEY))
          .map(Onnx.StringStringEntryProto::getValue).findFirst().orElse(null);
      return layer == null ? null : new GradientCompiler.Graphs(sal, cam, inv, layer);
    } catch (RuntimeException | IOException e) {
      return null;
    }
  }

  /**
   * The graph with each large initializer written to {@code tensors/<sha256>} (rewritten atomically, so a
   * damaged copy is replaced; not again when it is in written) and replaced by an ONNX external-data
   * reference to it.
   */
  private Onnx.ModelProto withSharedTensors(Onnx.ModelProto graph, Set<String> written) {
    Onnx.GraphProto.Builder g = graph.getGraph().toBuilder();
    boolean shared = false;
    for (int i = 0; i < g.getInitializerCount(); i++) {
      Onnx.TensorProto t = g.getInitializer(i);
      if (t.getRawData().size() < SHARED_BYTES || t.hasDataLocation() || t.getExternalDataCount() > 0) {
        continue;
      }
      ByteString data = t.getRawData();
      String name = OnnxModels.sha256(data);
      if (written.add(name)) {
        AtomicFiles.write(dir.resolve(TENSORS).resolve(name), data::writeTo);
      }
      g.setInitializer(i, OnnxModels.withExternalData(t, TENSORS + "/" + name, data.size()));
      shared = true;
    }
    return shared ? graph.toBuilder().setGraph(g).build() : graph;
  }

  /**
   * The graph with the tensors it refers to read back in (byte for byte the graph that was stored), or null
   * when one is missing, damaged, or not a reference this cache writes.
   */
  private Onnx.ModelProto withTensorsRead(Onnx.ModelProto stored, Map<String, ByteString> loaded)
      throws IOException {
    Onnx.GraphProto.Builder g = null;
    for (int i = 0; i < stored.getGraph().getInitializerCount(); i++) {
      Onnx.TensorProto t = stored.getGraph().getInitializer(i);
      if (t.getExternalDataCount() == 0) {
        continue;
      }
      OnnxModels.ExternalData ref = OnnxModels.externalData(t);
      String location = ref.location();
      String prefix = TENSORS + "/";
      if (location == null || !location.startsWith(prefix)
          || !TENSOR_NAME.matcher(location.substring(prefix.length())).matches()) {
        return null;
      }
      String name = location.substring(prefix.length());
      ByteString data = loaded.get(name);
      if (data == null) {
        Path f = dir.resolve(TENSORS).resolve(name);
        if (!Files.isRegularFile(f)) {
          return null;
        }
        data = UnsafeByteOperations.unsafeWrap(Files.readAllBytes(f));
        if (!OnnxModels.sha256(data).equals(name)) {
          return null;
        }
        loaded.put(name, data);
        markUsed(f);
      }
      if (data.size() != ref.length()) {
        return null;
      }
      if (g == null) {
        g = stored.getGraph().toBuilder();
      }
      g.setInitializer(i, OnnxModels.withRawData(t, data));
    }
    return g == null ? stored : stored.toBuilder().setGraph(g).build();
  }

  /** A cached graph whose digest matches and whose shared tensors are intact, or null. */
  private Onnx.ModelProto parse(String key, String kind, Map<String, ByteString> loaded)
      throws IOException {
    Path f = file(key, kind);
    Path d = digestFile(key, kind);
    if (!Files.isRegularFile(f) || !Files.isRegularFile(d)) {
      return null;
    }
    byte[] bytes = Files.readAllBytes(f);
    if (!digest(key, bytes).equals(Files.readString(d, StandardCharsets.UTF_8).strip())) {
      return null;
    }
    Onnx.ModelProto m = withTensorsRead(Onnx.ModelProto.parseFrom(bytes), loaded);
    if (m == null) {
      return null;
    }
    boolean complete = m.hasGraph() && m.getGraph().getNodeCount() > 0 && m.getGraph().getOutputCount() > 1;
    if (!complete) {
      return null;
    }
    markUsed(f);
    markUsed(d);
    return m;
  }

  /** Sets a file's modification time to now, so pruning keeps it; best effort (a read-only cache is fine). */
  private static void markUsed(Path file) {
    try {
      Files.setLastModifiedTime(file, FileTime.from(Instant.now()));
    } catch (IOException | RuntimeException e) {
      // not writable: the entry may be pruned and compiled again, nothing worse
    }
  }

  private void pruneOnce() {
    if (PRUNED.add(dir.toAbsolutePath())) {
      prune(Instant.now().minus(UNUSED_LIMIT));
    }
  }

  /**
   * Removes the entries and tensor files last used before the cutoff; files this cache does not name are left
   * alone. A process reading an entry at the same time finds it incomplete and compiles it again. Best effort.
   */
  void prune(Instant cutoff) {
    removeUnused(dir, ENTRY_NAME, cutoff);
    removeUnused(dir.resolve(TENSORS), TENSOR_NAME, cutoff);
  }

  private static void removeUnused(Path folder, Pattern names, Instant cutoff) {
    if (!Files.isDirectory(folder)) {
      return;
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(folder)) {
      for (Path f : files) {
        try {
          if (names.matcher(f.getFileName().toString()).matches() && Files.isRegularFile(f)
              && Files.getLastModifiedTime(f).toInstant().isBefore(cutoff)) {
            Files.deleteIfExists(f);
          }
        } catch (IOException | RuntimeException e) {
          // another process removed it, or it cannot be removed: leave it
        }
      }
    } catch (IOException | RuntimeException e) {
      // best effort
    }
  }
}
