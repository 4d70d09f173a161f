package dev.lanterne.explain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lanterne.image.ColorMap;
import dev.lanterne.tensor.Npy;
import dev.lanterne.tensor.Tensor;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExplanationWriterTest {
  @TempDir Path dir;

  private static Tensor ramp(int h, int w, float scale) {
    float[] d = new float[h * w];
    for (int i = 0; i < d.length; i++) {
      d[i] = i * scale;
    }
    return new Tensor(d, new int[] {h, w});
  }

  @Test
  void writesOverlaysMapsRawGridAndJson() throws Exception {
    BufferedImage a = new BufferedImage(8, 6, BufferedImage.TYPE_INT_RGB);
    BufferedImage b = new BufferedImage(8, 6, BufferedImage.TYPE_INT_RGB);
    Tensor raw = new Tensor(new float[3 * 6 * 8], new int[] {3, 6, 8});
    List<Explanation> explanations = List.of(
        new Explanation(0, "saliency", 285, "Egyptian cat", 13.6f, 0.47f, ramp(6, 8, 1f), raw,
            Map.of("reduce", "max")),
        new Explanation(0, "gradcam", 282, "tiger cat", 12.9f, 0.31f, ramp(6, 8, -2f), null, Map.of()),
        new Explanation(1, "saliency", 285, "Egyptian cat", 1.5f, 0.01f, ramp(6, 8, 1e-9f), raw, Map.of()),
        new Explanation(1, "saliency", 285, "Egyptian cat", 1.5f, 0.01f, ramp(6, 8, 3f), null, Map.of()));
    Path out = dir.resolve("out");
    ExplanationWriter writer = new ExplanationWriter(out,
        ExplanationWriter.Options.defaults().withColorMap(ColorMap.VIRIDIS).withOpacity(0.6f).withRaw(true));
    ExplanationWriter.Written written = writer.write(List.of("photos/cat.png", "other/cat.jpg"), List.of(a, b),
        explanations);

    Set<String> names;
    try (var s = Files.list(out)) {
      names = s.map(p -> p.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
    }
    assertEquals(new TreeSet<>(List.of("cat_saliency_c285.png", "cat_saliency_c285.npy", "cat_saliency_c285_raw.npy",
        "cat_gradcam_c282.png", "cat_gradcam_c282.npy",
        "cat-2_saliency_c285.png", "cat-2_saliency_c285.npy", "cat-2_saliency_c285_raw.npy",
        "cat-2_saliency_c285-2.png", "cat-2_saliency_c285-2.npy",
        "grid.png", "explanations.json")), names, "exact file set, no temporary files");

    Tensor map = Npy.read(out.resolve("cat_gradcam_c282.npy"));
    assertArrayEquals(new int[] {6, 8}, map.shape());
    assertArrayEquals(ramp(6, 8, -2f).data(), map.data());
    assertArrayEquals(new int[] {3, 6, 8}, Npy.read(out.resolve("cat_saliency_c285_raw.npy")).shape());

    // a single-map PNG is a titled figure: the map drawn at 224 pixels wide, its colour bar, its title
    BufferedImage overlay = ImageIO.read(out.resolve("cat_saliency_c285.png").toFile());
    assertTrue(overlay.getWidth() >= 224, "at least 224 wide: " + overlay.getWidth());
    assertTrue(overlay.getHeight() > 168 + 20, "map 224x168, title and bar: " + overlay.getHeight());
    BufferedImage grid = ImageIO.read(written.grid().toFile());
    assertTrue(grid.getWidth() >= 3 * 224, "two rows: image + 2 maps, and image + 2 maps");

    JsonNode json = new ObjectMapper().readTree(out.resolve("explanations.json").toFile());
    assertTrue(json.isArray());
    assertEquals(4, json.size());
    JsonNode first = json.get(0);
    assertEquals("photos/cat.png", first.get("image").asText());
    assertEquals("saliency", first.get("method").asText());
    assertEquals(285, first.get("class").asInt());
    assertEquals("Egyptian cat", first.get("label").asText());
    assertEquals(13.6, first.get("score").asDouble(), 1e-5);
    assertEquals(0.47, first.get("probability").asDouble(), 1e-6);
    assertEquals("cat_saliency_c285.png", first.get("files").get("overlay").asText());
    assertEquals("cat_saliency_c285.npy", first.get("files").get("map").asText());
    assertEquals("cat_saliency_c285_raw.npy", first.get("files").get("raw").asText());
    assertEquals("max", first.get("details").get("reduce").asText());
    assertEquals("blended", first.get("display").get("mode").asText());
    assertEquals("viridis", first.get("display").get("colormap").asText());
    assertEquals(0, first.get("display").get("low").asDouble(), 0);
    assertFalse(json.get(1).get("files").has("raw"), "no raw array for an explanation without one");
    assertNotNull(written.json());
  }

  @Test
  void rawArraysOnlyWhenAskedFor() throws Exception {
    BufferedImage a = new BufferedImage(4, 4, BufferedImage.TYPE_INT_RGB);
    Tensor raw = new Tensor(new float[3 * 16], new int[] {3, 4, 4});
    Path out = dir.resolve("plain");
    new ExplanationWriter(out, ExplanationWriter.Options.defaults().withGrid(false)).write(List.of("x.png"),
        List.of(a), List.of(new Explanation(0, "rise", 1, null, 0.5f, 0.5f, ramp(4, 4, 1f), raw, null)));
    try (var s = Files.list(out)) {
      assertEquals(Set.of("x_rise_c1.png", "x_rise_c1.npy", "explanations.json"),
          s.map(p -> p.getFileName().toString()).collect(Collectors.toSet()));
    }
    assertEquals("rise · class 1 · p\u00a00.500", ExplanationWriter.title(
        new Explanation(0, "rise", 1, null, 3.5f, 0.5f, ramp(4, 4, 1f), null, null)));
    assertEquals("gradcam · cat · p\u00a03.3e-07 · layer\u00a0Conv_1/Relu6", ExplanationWriter.title(
        new Explanation(0, "gradcam", 1, "cat", 3.5f, 3.3e-7f, ramp(4, 4, 1f), null,
            Map.of("layer", "Conv_1/Relu6;Conv_1/add_fold"))));
  }

  @Test
  void severalClassesOfOneImageShareAScaleByDefault() {
    Explanation strong = new Explanation(0, "gradcam", 1, "a", 1f, 0.6f, ramp(4, 4, 1f), null, null);
    Explanation weak = new Explanation(0, "gradcam", 2, "b", 1f, 0.1f, ramp(4, 4, 0.5f), null, null);
    Explanation other = new Explanation(0, "saliency", 1, "a", 1f, 0.6f, ramp(4, 4, 100f), null, null);
    var style = dev.lanterne.image.Overlay.Style.defaults().withClipPercent(0);
    List<dev.lanterne.image.Overlay.Scale> auto = ExplanationWriter.scales(List.of(strong, weak, other), style, null);
    assertEquals(15, auto.get(0).high(), 1e-6, "classes of one method share the larger map's scale");
    assertEquals(auto.get(0), auto.get(1));
    assertEquals(1500, auto.get(2).high(), 1e-3, "another method keeps its own units");
    List<dev.lanterne.image.Overlay.Scale> own = ExplanationWriter.scales(List.of(strong, weak), style, false);
    assertEquals(7.5, own.get(1).high(), 1e-6);
    // one class alone: its own scale unless asked
    List<dev.lanterne.image.Overlay.Scale> single = ExplanationWriter.scales(List.of(weak), style, null);
    assertEquals(7.5, single.get(0).high(), 1e-6);
  }
}
