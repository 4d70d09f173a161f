package dev.lanterne.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lanterne.demo.Shapes;
import dev.lanterne.explain.LanternModel;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.apache.commons.cli.DefaultParser;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code saliency --method guided|deconvnet} on the demo model: named in explanations.json. */
class SaliencyVariantsCommandTest {
  @TempDir
  Path tmp;

  @BeforeEach
  void privateCache() {
    System.setProperty("lanterne.cache", tmp.resolve("cache").toString());
  }

  @AfterEach
  void restoreCache() {
    System.clearProperty("lanterne.cache");
  }

  @Test
  void guidedAndDeconvnetAreSaliencyMethods() throws Exception {
    Path image = tmp.resolve("shape.png");
    ImageIO.write(new Shapes().sample(4L).image(), "png", image.toFile());
    for (String method : new String[] {"guided", "deconvnet"}) {
      Path out = tmp.resolve(method);
      SaliencyCommand c = new SaliencyCommand();
      assertEquals(0, c.run(new DefaultParser().parse(c.options(), new String[] {"--model",
          LanternModel.demoModelFile().toString(), "--image", image.toString(), "--out", out.toString(),
          "--method", method, "--signed"})));
      JsonNode json = new ObjectMapper().readTree(out.resolve("explanations.json").toFile());
      assertEquals(method.equals("guided") ? "guided-backprop" : "deconvnet", json.get(0).get("method").asText());
    }
  }
}
