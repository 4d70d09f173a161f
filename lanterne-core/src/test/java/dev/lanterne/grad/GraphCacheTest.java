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
    // a rewrite is a new file moved into place (reading only marks the file as used: its time changes)
    Object written = Files.readAttributes(sal, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
    org.junit.jupiter.api.Assertions.assertNotNull(written, "this file system names files by a key");
    GradientCompiler.Graphs second = cache.getOrCompile(model, GradientOptions.DEFAULT);
    assertEquals(written, Files.readAttributes(sal, java.nio.file.attribute.BasicFileAttributes.class).fileKey(),
        "not rewritten");
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

  /** Two convolutions whose weights (1152 and 4608 bytes) are large enough to be stored once by content. */
  private static Onnx.ModelProto modelWithLargeWeights() {
    TinyModel m = new TinyModel(13, 2, 6, 6);
    String a = m.node("Conv", new String[] {"x", m.random(16, 2, 3, 3)}, ofInts("pads", 1, 1, 1, 1));
    String b = m.node("Conv", new String[] {m.node("Relu", a), m.random(8, 16, 3, 3)}, ofInts("pads", 1, 1, 1, 1));
    return m.build(m.node("GlobalAveragePool", m.node("Relu", b)));
  }

  private static List<Path> tensorFiles(Path dir) throws java.io.IOException {
    try (Stream<Path> files = Files.list(dir.resolve("tensors"))) {
      return files.sorted().toList();
    }
  }

  /** Issue 11: the three graphs' weights are on disk once, and each graph reads back byte for byte. */
  @Test
  void weightsAreStoredOnceForTheThreeGraphs(@TempDir Path dir) throws Exception {
    GraphCache cache = new GraphCache(dir);
    Onnx.ModelProto model = modelWithLargeWeights();
    GradientCompiler.Graphs compiled = GradientCompiler.compile(model, GradientOptions.DEFAULT);
    cache.getOrCompile(model, GradientOptions.DEFAULT);
    // the two weight tensors, whatever the graph: each graph holds them (inline, they would be 3 x 5760 bytes)
    List<Path> tensors = tensorFiles(dir);
    assertEquals(2, tensors.size(), tensors.toString());
    assertEquals(List.of(1152L, 4608L), tensors.stream().map(f -> f.toFile().length()).sorted().toList());
    String key = GraphCache.key(model, GradientOptions.DEFAULT);
    List<Onnx.ModelProto> graphs = List.of(compiled.saliency(), compiled.gradcam(), compiled.inversion());
    List<String> kinds = List.of("saliency", "gradcam", "inversion");
    for (int i = 0; i < 3; i++) {
      long inline = graphs.get(i).getSerializedSize();
      long stored = Files.size(dir.resolve(key + "." + kinds.get(i) + ".onnx"));
      assertTrue(stored < inline - 5000, kinds.get(i) + ": " + stored + " bytes stored, " + inline + " inline");
    }
    GradientCompiler.Graphs read = new GraphCache(dir).getOrCompile(model, GradientOptions.DEFAULT);
    assertArrayEquals(compiled.saliency().toByteArray(), read.saliency().toByteArray());
    assertArrayEquals(compiled.gradcam().toByteArray(), read.gradcam().toByteArray());
    assertArrayEquals(compiled.inversion().toByteArray(), read.inversion().toByteArray());
    assertArrayEquals(compiled.saliency().toByteArray(), new GraphCache(dir).getOrCompile(model,
        GradientOptions.DEFAULT, GradientCompiler.Kind.SALIENCY).toByteArray(), "one kind read alone");
    // another option set (guided backpropagation) reuses the same tensor files
    cache.getOrCompile(model, GradientOptions.DEFAULT.withVariant(Variant.GUIDED));
    assertEquals(tensors, tensorFiles(dir));
  }

  /** A damaged or missing weight file makes the entry compiled again, never read with wrong weights. */
  @Test
  void aDamagedOrMissingWeightFileIsRebuilt(@TempDir Path dir) throws Exception {
    GraphCache cache = new GraphCache(dir);
    Onnx.ModelProto model = modelWithLargeWeights();
    byte[] expected = GradientCompiler.compile(model, GradientOptions.DEFAULT, GradientCompiler.Kind.SALIENCY)
        .toByteArray();
    cache.getOrCompile(model, GradientOptions.DEFAULT, GradientCompiler.Kind.SALIENCY);
    Path weights = tensorFiles(dir).get(0);
    byte[] good = Files.readAllBytes(weights);
    byte[] bad = good.clone();
    bad[7] ^= 0x01;
    Files.write(weights, bad);
    assertArrayEquals(expected, cache.getOrCompile(model, GradientOptions.DEFAULT, GradientCompiler.Kind.SALIENCY)
        .toByteArray(), "damaged weights not trusted");
    assertArrayEquals(good, Files.readAllBytes(weights), "and written again");
    Files.delete(weights);
    assertArrayEquals(expected, cache.getOrCompile(model, GradientOptions.DEFAULT, GradientCompiler.Kind.SALIENCY)
        .toByteArray(), "missing weights: compiled again");
    assertArrayEquals(good, Files.readAllBytes(weights));
  }

  private static void age(Path file, int days) throws java.io.IOException {
    Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.from(
        java.time.Instant.now().minus(java.time.Duration.ofDays(days))));
  }

  private static List<String> names(Path folder) throws java.io.IOException {
    try (Stream<Path> files = Files.list(folder)) {
      return files.map(f -> f.getFileName().toString()).sorted().toList();
    }
  }

  /** Entries and tensors unused for longer than the limit go; a read keeps an entry and its tensors. */
  @Test
  void unusedEntriesArePrunedAndReadsKeepThem(@TempDir Path dir) throws Exception {
    GraphCache cache = new GraphCache(dir);
    Onnx.ModelProto model = modelWithLargeWeights();
    cache.getOrCompile(model, GradientOptions.DEFAULT, GradientCompiler.Kind.SALIENCY);
    cache.getOrCompile(model, GradientOptions.DEFAULT, GradientCompiler.Kind.GRADCAM);
    String key = GraphCache.key(model, GradientOptions.DEFAULT);
    Files.writeString(dir.resolve("notes.txt"), "not the cache's");
    try (Stream<Path> all = Stream.concat(Files.list(dir), Files.list(dir.resolve("tensors")))) {
      for (Path f : all.filter(Files::isRegularFile).toList()) {
        age(f, 40);
      }
    }
    // the saliency graph is used again now: it and its weights stay, the Grad-CAM graph goes
    cache.getOrCompile(model, GradientOptions.DEFAULT, GradientCompiler.Kind.SALIENCY);
    cache.prune(java.time.Instant.now().minus(GraphCache.UNUSED_LIMIT));
    assertEquals(List.of(key + ".saliency.onnx", key + ".saliency.onnx.sha256", "notes.txt", "tensors"), names(dir));
    assertEquals(2, names(dir.resolve("tensors")).size());
    assertArrayEquals(GradientCompiler.compile(model, GradientOptions.DEFAULT, GradientCompiler.Kind.SALIENCY)
        .toByteArray(), new GraphCache(dir).getOrCompile(model, GradientOptions.DEFAULT,
        GradientCompiler.Kind.SALIENCY).toByteArray(), "what stays still reads back whole");

    // nothing used for 40 days: everything of the cache's goes, the foreign file stays
    try (Stream<Path> all = Stream.concat(Files.list(dir), Files.list(dir.resolve("tensors")))) {
      for (Path f : all.filter(Files::isRegularFile).toList()) {
        age(f, 40);
      }
    }
    cache.prune(java.time.Instant.now().minus(GraphCache.UNUSED_LIMIT));
    assertEquals(List.of("notes.txt", "tensors"), names(dir));
    assertEquals(List.of(), names(dir.resolve("tensors")));
  }

  /** The first store of a process in a cache folder prunes it: an old entry of another model goes. */
  @Test
  void storingPrunesOldEntries(@TempDir Path dir) throws Exception {
    GraphCache cache = new GraphCache(dir);
    Onnx.ModelProto old = modelWithLargeWeights();
    String oldKey = GraphCache.key(old, GradientOptions.DEFAULT);
    // an entry written by an earlier process, unused for 40 days
    new GraphCache(dir.resolve("elsewhere")).getOrCompile(old, GradientOptions.DEFAULT,
        GradientCompiler.Kind.SALIENCY);
    try (Stream<Path> files = Files.list(dir.resolve("elsewhere"))) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        Files.move(f, dir.resolve(f.getFileName()));
        age(dir.resolve(f.getFileName()), 40);
      }
    }
    cache.getOrCompile(model(), GradientOptions.DEFAULT, GradientCompiler.Kind.SALIENCY);
    String newKey = GraphCache.key(model(), GradientOptions.DEFAULT);
    assertEquals(List.of(newKey + ".saliency.onnx", newKey + ".saliency.onnx.sha256", "elsewhere"), names(dir));
    assertNotEquals(oldKey, newKey);
  }
}
