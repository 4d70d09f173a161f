package dev.lanterne.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanterne.testing.SharedData;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The commands on the zoo's ViT with no layer option: `layers` shows the token layout and the default
 * (the last block's first LayerNorm), `explain` runs Grad-CAM, rollout and gradient-weighted rollout
 * and writes every map as overlay, .npy and explanations.json; rollout on a CNN fails in one line.
 */
class TransformerCommandsTest {
  @TempDir
  Path dir;

  @Test
  void vitWithoutOptions() throws Exception {
    String vit = SharedData.model("zoo/vit_tiny_op17.onnx").toString();
    CliErrorsTest.Outcome layers = CliErrorsTest.run("layers", "--model", vit);
    assertEquals(0, layers.code(), layers.err());
    String marked = layers.out().lines().filter(l -> l.startsWith("*")).findFirst().orElseThrow();
    assertTrue(marked.contains("197x64") && marked.contains("tokens 1+14x14")
        && marked.contains("encoder_layer_1/ln_1/LayerNormalization_output_0"), marked);
    assertTrue(layers.out().contains("2 attention maps (4 heads, 197 tokens)"), layers.out());

    Path out = dir.resolve("vit");
    CliErrorsTest.Outcome explain = CliErrorsTest.run("explain", "--model", vit, "--image",
        SharedData.image("astronaut.png").toString(), "--class", "130", "--methods", "gradcam,rollout,grad-rollout",
        "--out", out.toString());
    assertEquals(0, explain.code(), explain.err());
    for (String method : new String[] {"gradcam", "rollout", "grad-rollout"}) {
      assertTrue(Files.isRegularFile(out.resolve("astronaut_" + method + "_c130.png")), method);
      assertTrue(Files.isRegularFile(out.resolve("astronaut_" + method + "_c130.npy")), method);
    }
    String json = Files.readString(out.resolve("explanations.json"));
    assertTrue(json.contains("\"grad-rollout\"") && json.contains("ln_1/LayerNormalization_output_0")
        && json.contains("tokens 1+14x14"), json);

    CliErrorsTest.Outcome bySubstring = CliErrorsTest.run("gradcam", "--model", vit, "--image",
        SharedData.image("astronaut.png").toString(), "--layer", "encoder_layer_0/ln_1", "--out",
        dir.resolve("sub").toString());
    assertEquals(0, bySubstring.code(), bySubstring.err());
  }

  @Test
  void rolloutRefusesACnnInOneLine() {
    CliErrorsTest.Outcome o = CliErrorsTest.run("rollout", "--model", SharedData.torchvision("resnet18").toString(),
        "--image", SharedData.image("astronaut.png").toString(), "--out", dir.resolve("r").toString());
    assertEquals(1, o.code(), o.err());
    assertTrue(o.err().contains("no attention map") && !o.err().contains("Exception"), o.err());
  }
}
