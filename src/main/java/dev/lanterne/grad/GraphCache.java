package dev.lanterne.grad;

import dev.lanterne.onnx.OnnxModels;
import dev.lanterne.onnx.proto.Onnx;
import dev.lanterne.tensor.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Derived graphs on disk, keyed by the model's SHA-256 and the compile options, so each is built
 * once. Each kind (saliency, Grad-CAM, inversion step) is its own file, compiled and read only when a
 * command asks for it. Files are written atomically; a damaged or partial entry is rebuilt.
 */
public final class GraphCache {
  private final Path dir;

  public GraphCache(Path dir) {
    this.dir = dir;
  }

  /**
   * {cache}/graphs, where {cache} is the system property lanterne.cache, else env LANTERNE_CACHE, else
   * ~/.cache/lanterne (the same root the CLI uses for its other cached files).
   */
  public static Path defaultDir() {
    String root = System.getProperty("lanterne.cache");
    if (root == null || root.isBlank()) {
      root = System.getenv("LANTERNE_CACHE");
    }
    Path base = root != null && !root.isBlank() ? Path.of(root)
        : Path.of(System.getProperty("user.home"), ".cache", "lanterne");
    return base.resolve("graphs");
  }

  public Path dir() {
    return dir;
  }

  /** The cache key of a model (serialized, external data inlined) under the given options. */
  public static String key(Onnx.ModelProto model, GradientOptions options) {
    String optionsHash = OnnxModels.sha256(options.key().getBytes(StandardCharsets.UTF_8)).substring(0, 16);
    return OnnxModels.sha256(model.toByteArray()) + "-" + optionsHash;
  }

  /** All three graphs, each from the cache or freshly compiled (and stored). */
  public GradientCompiler.Graphs getOrCompile(Onnx.ModelProto model, GradientOptions options) {
    String key = key(model, options);
    Onnx.ModelProto sal = read(key, GradientCompiler.Kind.SALIENCY);
    Onnx.ModelProto cam = read(key, GradientCompiler.Kind.GRADCAM);
    Onnx.ModelProto inv = read(key, GradientCompiler.Kind.INVERSION);
    if (sal == null || cam == null || inv == null) {
      GradientCompiler.Graphs graphs = GradientCompiler.compile(model, options);
      write(key, GradientCompiler.Kind.SALIENCY, graphs.saliency());
      write(key, GradientCompiler.Kind.GRADCAM, graphs.gradcam());
      write(key, GradientCompiler.Kind.INVERSION, graphs.inversion());
      return graphs;
    }
    return new GradientCompiler.Graphs(sal, cam, inv, GradientCompiler.layerOf(cam));
  }

  /** The graph of one kind, from the cache or freshly compiled (and stored); the others are not built. */
  public Onnx.ModelProto getOrCompile(Onnx.ModelProto model, GradientOptions options, GradientCompiler.Kind kind) {
    String key = key(model, options);
    Onnx.ModelProto cached = read(key, kind);
    if (cached != null) {
      return cached;
    }
    Onnx.ModelProto graph = GradientCompiler.compile(model, options, kind);
    write(key, kind, graph);
    return graph;
  }

  private Path file(String key, GradientCompiler.Kind kind) {
    return dir.resolve(key + "." + kind.fileName() + ".onnx");
  }

  private void write(String key, GradientCompiler.Kind kind, Onnx.ModelProto graph) {
    AtomicFiles.write(file(key, kind), graph.toByteArray());
  }

  private Onnx.ModelProto read(String key, GradientCompiler.Kind kind) {
    try {
      Onnx.ModelProto m = parse(file(key, kind));
      if (m == null || kind == GradientCompiler.Kind.GRADCAM && GradientCompiler.layerOf(m) == null) {
        return null;
      }
      return m;
    } catch (RuntimeException | IOException e) {
      return null;
    }
  }

  private static Onnx.ModelProto parse(Path f) throws IOException {
    if (!Files.isRegularFile(f)) {
      return null;
    }
    Onnx.ModelProto m = Onnx.ModelProto.parseFrom(Files.readAllBytes(f));
    boolean complete = m.hasGraph() && m.getGraph().getNodeCount() > 0 && m.getGraph().getOutputCount() > 1;
    return complete ? m : null;
  }
}
