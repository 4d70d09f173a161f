package dev.lanterne.grad;

import static dev.lanterne.onnx.Attributes.ofInts;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanterne.onnx.proto.Onnx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GraphCacheTest {
  private static Onnx.ModelProto model() {
    TinyModel m = new TinyModel(13, 2, 4, 4);
    String conv = m.node("Conv", new String[] {"x", m.random(3, 2, 3, 3)}, ofInts("pads", 1, 1, 1, 1));
    return m.build(m.node("GlobalAveragePool", m.node("Relu", conv)));
  }

  @Test
  void storesOnceAndReadsBack(@TempDir Path dir) throws Exception {
    GraphCache cache = new GraphCache(dir);
    Onnx.ModelProto model = model();
    GradientCompiler.Graphs first = cache.getOrCompile(model, GradientOptions.DEFAULT);
    String key = GraphCache.key(model, GradientOptions.DEFAULT);
    Path sal = dir.resolve(key + ".saliency.onnx");
    assertTrue(Files.isRegularFile(sal));
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(6, files.count(), "three graphs and their digests, no temporary files left");
    }
    long written = Files.getLastModifiedTime(sal).toMillis();
    Thread.sleep(20);
    GradientCompiler.Graphs second = cache.getOrCompile(model, GradientOptions.DEFAULT);
    assertEquals(written, Files.getLastModifiedTime(sal).toMillis(), "not rewritten");
    assertEquals(first.layer(), second.layer());
    assertArrayEquals(first.gradcam().toByteArray(), second.gradcam().toByteArray());

    Files.write(sal, new byte[] {1, 2, 3});
    GradientCompiler.Graphs rebuilt = cache.getOrCompile(model, GradientOptions.DEFAULT);
    assertArrayEquals(first.saliency().toByteArray(), rebuilt.saliency().toByteArray(), "damaged entry rebuilt");

    assertNotEquals(key, GraphCache.key(model, GradientOptions.DEFAULT.withVariant(Variant.GUIDED)));
  }

  /** Issue 13 (8): a cached graph whose weights were changed (it still parses) is not trusted. */
  @Test
  void aTamperedEntryIsRebuilt(@TempDir Path dir) throws Exception {
    GraphCache cache = new GraphCache(dir);
    Onnx.ModelProto model = model();
    GradientCompiler.Graphs first = cache.getOrCompile(model, GradientOptions.DEFAULT);
    String key = GraphCache.key(model, GradientOptions.DEFAULT);
    Path sal = dir.resolve(key + ".saliency.onnx");
    Onnx.ModelProto cached = Onnx.ModelProto.parseFrom(Files.readAllBytes(sal));
    Onnx.GraphProto.Builder g = cached.getGraph().toBuilder();
    Onnx.TensorProto w = g.getInitializer(0);
    byte[] raw = w.getRawData().toByteArray();
    raw[0] ^= 0x40;
    g.setInitializer(0, w.toBuilder().setRawData(com.google.protobuf.ByteString.copyFrom(raw)).build());
    Files.write(sal, cached.toBuilder().setGraph(g).build().toByteArray());
    GradientCompiler.Graphs again = cache.getOrCompile(model, GradientOptions.DEFAULT);
    assertArrayEquals(first.saliency().toByteArray(), again.saliency().toByteArray(), "rebuilt, not trusted");
    assertArrayEquals(first.saliency().toByteArray(), Files.readAllBytes(sal), "and written again");
    // the key changes with the compiler's own code
    assertTrue(key.length() > 64 && CompilerIdentity.get().length() == 64);
  }

  /** Issue 13 (9): an unwritable cache folder is a warning; the graphs are compiled in memory. */
  @Test
  void anUnwritableCacheCompilesInMemory(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("blocked"), "a file where the cache folder should be");
    GraphCache cache = new GraphCache(dir.resolve("blocked").resolve("graphs"));
    java.io.PrintStream old = System.err;
    java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
    GradientCompiler.Graphs g;
    try {
      System.setErr(new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));
      g = cache.getOrCompile(model(), GradientOptions.DEFAULT);
    } finally {
      System.setErr(old);
    }
    assertTrue(g.saliency().getGraph().getNodeCount() > 0);
    String w = err.toString(java.nio.charset.StandardCharsets.UTF_8);
    assertTrue(w.contains("lanterne: warning: cannot write the graph cache") && w.contains("LANTERNE_CACHE")
        && w.strip().lines().count() == 1, w);
  }

  @Test
  void buildsOnlyTheRequestedKind(@TempDir Path dir) throws Exception {
    GraphCache cache = new GraphCache(dir);
    Onnx.ModelProto model = model();
    String key = GraphCache.key(model, GradientOptions.DEFAULT);
    Onnx.ModelProto cam = cache.getOrCompile(model, GradientOptions.DEFAULT, GradientCompiler.Kind.GRADCAM);
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(List.of(key + ".gradcam.onnx", key + ".gradcam.onnx.sha256"),
          files.map(f -> f.getFileName().toString()).sorted().toList(),
          "only the Grad-CAM graph is built and stored");
    }
    assertEquals(GradientCompiler.layerOf(cam), GradientCompiler.layerOf(
        cache.getOrCompile(model, GradientOptions.DEFAULT, GradientCompiler.Kind.GRADCAM)));
    Onnx.ModelProto sal = cache.getOrCompile(model, GradientOptions.DEFAULT, GradientCompiler.Kind.SALIENCY);
    assertArrayEquals(cache.getOrCompile(model, GradientOptions.DEFAULT).saliency().toByteArray(), sal.toByteArray(),
        "one kind alone is the same graph as compiled with the others");
  }
}
