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
 * once. Files are written atomically; a damaged or partial entry is rebuilt.
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
    return dev.lanterne.model.CacheRoot.dir().resolve("graphs");
  }

  public Path dir() {
    return dir;
  }

  /** The cache key of a model (serialized, external data inlined) under the given options. */
  public static String key(Onnx.ModelProto model, GradientOptions options) {
    String optionsHash = OnnxModels.sha256(options.key().getBytes(StandardCharsets.UTF_8)).substring(0, 16);
    return OnnxModels.sha256(model.toByteArray()) + "-" + optionsHash;
  }

  /** The cached graphs, or freshly compiled (and stored) ones. */
  public GradientCompiler.Graphs getOrCompile(Onnx.ModelProto model, GradientOptions options) {
    String key = key(model, options);
    GradientCompiler.Graphs cached = read(key);
    if (cached != null) {
      return cached;
    }
    GradientCompiler.Graphs graphs = GradientCompiler.compile(model, options);
    AtomicFiles.write(file(key, "saliency"), graphs.saliency().toByteArray());
    AtomicFiles.write(file(key, "gradcam"), graphs.gradcam().toByteArray());
    AtomicFiles.write(file(key, "inversion"), graphs.inversion().toByteArray());
    return graphs;
  }

  private Path file(String key, String kind) {
    return dir.resolve(key + "." + kind + ".onnx");
  }

  private GradientCompiler.Graphs read(String key) {
    try {
      Onnx.ModelProto sal = parse(file(key, "saliency"));
      Onnx.ModelProto cam = parse(file(key, "gradcam"));
      Onnx.ModelProto inv = parse(file(key, "inversion"));
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

  private static Onnx.ModelProto parse(Path f) throws IOException {
    if (!Files.isRegularFile(f)) {
      return null;
    }
    Onnx.ModelProto m = Onnx.ModelProto.parseFrom(Files.readAllBytes(f));
    boolean complete = m.hasGraph() && m.getGraph().getNodeCount() > 0 && m.getGraph().getOutputCount() > 1;
    return complete ? m : null;
  }
}
