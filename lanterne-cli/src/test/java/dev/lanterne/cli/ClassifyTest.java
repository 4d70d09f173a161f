package dev.lanterne.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lanterne.image.Preprocessor;
import dev.lanterne.model.ModelCard;
import dev.lanterne.runtime.Classifier;
import dev.lanterne.runtime.RuntimeOptions;
import dev.lanterne.testing.SharedData;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The expected top-1 of ../shared/README.md with the pretrained MobileNetV2, batched and one by one alike. */
class ClassifyTest {
  static final Map<String, Integer> EXPECTED = new LinkedHashMap<>();

  static {
    EXPECTED.put("coffee.png", 967);
    EXPECTED.put("parrot.jpg", 88);
    EXPECTED.put("hot-dog.jpg", 934);
    EXPECTED.put("dragonfly.bmp", 319);
    EXPECTED.put("sunflower.bmp", 985);
    EXPECTED.put("cat-720p.jpg", 285);
    EXPECTED.put("rocket.jpg", 657);
  }

  @Test
  void cliJsonGivesExpectedTop1() throws Exception {
    Path model = SharedData.model("mobilenetv2-1.0-224-qdq.onnx");
    String[] args = new String[7 + EXPECTED.size()];
    int i = 0;
    args[i++] = "classify";
    args[i++] = "--model";
    args[i++] = model.toString();
    args[i++] = "--json";
    args[i++] = "--top";
    args[i++] = "3";
    args[i++] = "--image";
    for (String name : EXPECTED.keySet()) {
      args[i++] = SharedData.image(name).toString();
    }
    CliErrorsTest.Outcome o = CliErrorsTest.run(args);
    assertEquals(0, o.code(), o.err());
    JsonNode all = new ObjectMapper().readTree(o.out());
    assertEquals(EXPECTED.size(), all.size());
    int j = 0;
    for (Map.Entry<String, Integer> e : EXPECTED.entrySet()) {
      JsonNode img = all.get(j++);
      assertEquals(e.getKey(), img.get("image").asText());
      assertEquals(e.getValue().intValue(), img.get("top").get(0).get("class").asInt(), e.getKey());
      assertEquals(3, img.get("top").size());
      double p = img.get("top").get(0).get("probability").asDouble();
      assertTrue(p > 0 && p <= 1, "probability in (0,1]");
    }
  }

  @Test
  void batchedEqualsOneByOne() {
    Path model = SharedData.model("mobilenetv2-1.0-224-qdq.onnx");
    Preprocessor pre = Preprocessor.forCard(ModelCard.inception(224, 224));
    int n = EXPECTED.size();
    int per = 3 * 224 * 224;
    float[] x = new float[n * per];
    int i = 0;
    for (String name : EXPECTED.keySet()) {
      System.arraycopy(pre.prepare(SharedData.image(name)).tensor(), 0, x, i++ * per, per);
    }
    float[] batched;
    float[] single;
    try (Classifier c = Classifier.open(model, RuntimeOptions.DEFAULT)) {
      batched = c.run(x, n);
    }
    try (Classifier c = Classifier.open(model, RuntimeOptions.DEFAULT.withMaxBatch(1))) {
      single = c.run(x, n);
    }
    float max = 0;
    for (float v : single) {
      max = Math.max(max, Math.abs(v));
    }
    for (int k = 0; k < batched.length; k++) {
      assertEquals(single[k], batched[k], 1e-4f * max, "score " + k);
    }
    int[] top = new int[n];
    int[] expected = EXPECTED.values().stream().mapToInt(Integer::intValue).toArray();
    for (int m = 0; m < n; m++) {
      top[m] = CliSupport.topK(batched, m * 1000, 1000, 1)[0];
    }
    assertArrayEquals(expected, top);
  }
}
