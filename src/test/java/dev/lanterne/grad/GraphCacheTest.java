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
      assertEquals(3, files.count(), "three graphs, no temporary files left");
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

  @Test
  void buildsOnlyTheRequestedKind(@TempDir Path dir) throws Exception {
    GraphCache cache = new GraphCache(dir);
    Onnx.ModelProto model = model();
    String key = GraphCache.key(model, GradientOptions.DEFAULT);
    Onnx.ModelProto cam = cache.getOrCompile(model, GradientOptions.DEFAULT, GradientCompiler.Kind.GRADCAM);
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(List.of(key + ".gradcam.onnx"), files.map(f -> f.getFileName().toString()).toList(),
          "only the Grad-CAM graph is built and stored");
    }
    assertEquals(GradientCompiler.layerOf(cam), GradientCompiler.layerOf(
        cache.getOrCompile(model, GradientOptions.DEFAULT, GradientCompiler.Kind.GRADCAM)));
    Onnx.ModelProto sal = cache.getOrCompile(model, GradientOptions.DEFAULT, GradientCompiler.Kind.SALIENCY);
    assertArrayEquals(cache.getOrCompile(model, GradientOptions.DEFAULT).saliency().toByteArray(), sal.toByteArray(),
        "one kind alone is the same graph as compiled with the others");
  }
}
