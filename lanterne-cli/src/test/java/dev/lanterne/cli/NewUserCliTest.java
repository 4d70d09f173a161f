package dev.lanterne.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lanterne.demo.ShapeSample;
import dev.lanterne.demo.Shapes;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rough edges a new user met (issue 12, item 7), each run through the CLI on the built-in demo
 * model: one test per edge, each failing on the old behaviour.
 */
class NewUserCliTest {
  @TempDir Path dir;
  Path shape;
  Path labels;

  @BeforeEach
  void pictures() throws IOException {
    ShapeSample s = DemoCommand.onePerClass(new Shapes(), DemoCommand.PICTURE_SET).get(0);
    shape = dir.resolve("shape.png");
    ImageIO.write(s.image(), "png", shape.toFile());
    // the demo model's six classes, relabelled with ImageNet-style names (one with a space, one with synonyms)
    labels = dir.resolve("labels.txt");
    Files.write(labels, List.of("flamingo", "tiger cat", "tabby, tabby cat", "banana", "sports car", "goldfish"));
  }

  @Test
  void classAcceptsLabelsWithSpacesAndSuggestsNearMisses() {
    CliErrorsTest.Outcome o = CliErrorsTest.run("saliency", "--image", shape.toString(), "--labels",
        labels.toString(), "--class", "flamingo", "--class", "tiger cat", "--out", dir.resolve("s").toString());
    assertEquals(0, o.code(), o.err());
    assertTrue(o.out().contains("   0 flamingo") && o.out().contains("   1 tiger cat"), o.out());
    CliErrorsTest.Outcome miss = CliErrorsTest.run("saliency", "--image", shape.toString(), "--labels",
        labels.toString(), "--class", "flamingoo", "--out", dir.resolve("m").toString());
    assertEquals(2, miss.code());
    assertTrue(miss.err().contains("did you mean 0 'flamingo'"), miss.err());
  }

  @Test
  void aPhotoWithoutModelWarnsThatTheDemoModelIsUsed() throws IOException {
    Path photo = dir.resolve("photo.png");
    ImageIO.write(new BufferedImage(120, 90, BufferedImage.TYPE_INT_RGB), "png", photo.toFile());
    CliErrorsTest.Outcome o = CliErrorsTest.run("classify", "--image", photo.toString());
    assertEquals(0, o.code(), o.err());
    assertTrue(o.err().contains("built-in demo model") && o.err().contains("photo.png is 120x90"),
        o.err());
    // a generated shape is what the demo model was made for: no warning
    CliErrorsTest.Outcome ok = CliErrorsTest.run("classify", "--image", shape.toString());
    assertFalse(ok.err().contains("demo model"), ok.err());
    // with --model there is nothing to warn about
    CliErrorsTest.Outcome given = CliErrorsTest.run("classify", "--model", CliSupport.demoModel().toString(),
        "--image", photo.toString());
    assertFalse(given.err().contains("demo model"), given.err());
  }

  @Test
  void labOnlyNamesItsExperiments() {
    CliErrorsTest.Outcome o = CliErrorsTest.run("lab", "--only", "featurevis,bogus", "--out",
        dir.resolve("lab").toString());
    assertEquals(2, o.code(), o.err());
    assertTrue(o.err().contains("--only: unknown experiment 'bogus'") && o.err().contains("featurevis"), o.err());
    assertTrue(!java.nio.file.Files.exists(dir.resolve("lab")), "a refused run leaves no folder");
  }

  @Test
  void labQuickAndDemoWriteOutsideTheCommittedResults() {
    assertEquals("lanterne-out/lab-quick", LabCommand.defaultOut(true));
    assertEquals("results", LabCommand.defaultOut(false));
    assertTrue(CliErrorsTest.run("lab", "--help").out().contains("lanterne-out/lab-quick"));
    assertTrue(CliErrorsTest.run("demo", "--help").out().contains("lanterne-out/demo"));
  }

  @Test
  void preprocessHelpSaysOutIsANpyFile() {
    CliErrorsTest.Outcome o = CliErrorsTest.run("preprocess", "--help");
    assertTrue(o.out().contains("--out <FILE.npy>") && o.out().contains("the .npy file to write"), o.out());
  }

  @Test
  void layersListsIndexShapeAndShortNameAndLayerTakesEither() {
    CliErrorsTest.Outcome o = CliErrorsTest.run("layers");
    assertEquals(0, o.code(), o.err());
    String header = o.out().lines().findFirst().orElseThrow();
    assertTrue(header.contains("#") && header.contains("shape") && header.contains("short name"), header);
    String first = o.out().lines().skip(1).findFirst().orElseThrow();
    String[] cols = first.replace("*", " ").trim().split("\\s+");
    assertEquals("0", cols[0], first);
    for (String layer : new String[] {"0", cols[cols.length - 1]}) {
      CliErrorsTest.Outcome cam = CliErrorsTest.run("gradcam", "--image", shape.toString(), "--layer", layer, "--out",
          dir.resolve("cam" + layer.hashCode()).toString());
      assertEquals(0, cam.code(), "--layer " + layer + ": " + cam.err());
    }
  }

  @Test
  void riseAndOcclusionPrintTheGradientCommandsPerMapLine() {
    CliErrorsTest.Outcome occ = CliErrorsTest.run("occlusion", "--image", shape.toString(), "--window", "16",
        "--stride", "16", "--out", dir.resolve("occ").toString());
    assertEquals(0, occ.code(), occ.err());
    CliErrorsTest.Outcome sal = CliErrorsTest.run("saliency", "--image", shape.toString(), "--out",
        dir.resolve("sal").toString());
    String pattern = "shape\\.png  %s\\s+\\d+ \\S.* score \\S+  p \\S+  -> shape_%s_c\\d+\\.png";
    assertTrue(sal.out().lines().anyMatch(l -> l.matches(String.format(pattern, "saliency", "saliency"))), sal.out());
    assertTrue(occ.out().lines().anyMatch(l -> l.matches(String.format(pattern, "occlusion", "occlusion"))),
        occ.out());
    CliErrorsTest.Outcome rise = CliErrorsTest.run("rise", "--image", shape.toString(), "--masks", "100", "--out",
        dir.resolve("rise").toString());
    assertTrue(rise.out().lines().anyMatch(l -> l.matches(String.format(pattern, "rise", "rise"))), rise.out());
  }

  @Test
  void untilStableSaysWhenItStoppedAtItsLimit() {
    // a tolerance no map reaches: the run ends at --masks and must say so
    CliErrorsTest.Outcome o = CliErrorsTest.run("rise", "--image", shape.toString(), "--masks", "200",
        "--until-stable", "1e-9", "--check-every", "50", "--out", dir.resolve("r").toString());
    assertEquals(0, o.code(), o.err());
    assertTrue(o.out().contains("stopped at its limit of 200 masks without settling"), o.out());
    // a tolerance every check meets: it settles before the limit
    CliErrorsTest.Outcome calm = CliErrorsTest.run("rise", "--image", shape.toString(), "--masks", "5000",
        "--until-stable", "10", "--check-every", "50", "--out", dir.resolve("c").toString());
    assertTrue(calm.out().contains("settled after 200 of at most 5000 masks"), calm.out());
  }

  @Test
  void gradcamRawIsRefusedAndGuidedRawIsWritten() throws IOException {
    CliErrorsTest.Outcome o = CliErrorsTest.run("gradcam", "--image", shape.toString(), "--raw", "--out",
        dir.resolve("g").toString());
    assertEquals(2, o.code());
    assertTrue(o.err().contains("--raw"), o.err());
    CliErrorsTest.Outcome guided = CliErrorsTest.run("gradcam", "--guided", "--image", shape.toString(), "--raw",
        "--out", dir.resolve("gg").toString());
    assertEquals(0, guided.code(), guided.err());
    try (Stream<Path> files = Files.list(dir.resolve("gg"))) {
      assertTrue(files.anyMatch(p -> p.getFileName().toString().endsWith("_raw.npy")));
    }
  }

  @Test
  void convertWithoutAnActionIsRefused() {
    Path out = dir.resolve("copy.onnx");
    CliErrorsTest.Outcome o = CliErrorsTest.run("convert", "--model", CliSupport.demoModel().toString(), "--out",
        out.toString());
    assertEquals(2, o.code());
    assertTrue(o.err().contains("needs an action"), o.err());
    assertFalse(Files.exists(out));
  }

  @Test
  void methodNamesAreTheSameInOutputFilesAndRecords() throws IOException {
    Path out = dir.resolve("e");
    CliErrorsTest.Outcome o = CliErrorsTest.run("evaluate", "--image", shape.toString(), "--methods",
        "integrated,gradcam++", "--steps", "4", "--out", out.toString());
    assertEquals(0, o.code(), o.err());
    List<String> curves;
    try (Stream<Path> files = Files.list(out.resolve("curves"))) {
      curves = files.map(p -> p.getFileName().toString()).sorted().toList();
    }
    assertEquals(List.of("shape_gradcam++_c" + classOf(out) + ".png",
        "shape_integrated-gradients_c" + classOf(out) + ".png"), curves);
    Path maps = dir.resolve("x");
    assertEquals(0, CliErrorsTest.run("explain", "--image", shape.toString(), "--methods", "gradcam++", "--out",
        maps.toString()).code());
    try (Stream<Path> files = Files.list(maps)) {
      assertTrue(files.map(p -> p.getFileName().toString()).anyMatch(n -> n.startsWith("shape_gradcam++_c")));
    }
  }

  @Test
  void jsonAndCsvUseOneNamingStyle() throws IOException {
    Path out = dir.resolve("e");
    CliErrorsTest.Outcome o = CliErrorsTest.run("evaluate", "--image", shape.toString(), "--methods", "random",
        "--out", out.toString());
    assertEquals(0, o.code(), o.err());
    String header = Files.readAllLines(out.resolve("evaluation.csv")).get(0);
    for (String column : header.split(",")) {
      assertTrue(column.matches("[a-z][A-Za-z0-9]*"), "CSV column not camelCase: " + column);
    }
    assertCamelCaseKeys(new ObjectMapper().readTree(out.resolve("evaluation.json").toFile()), "evaluation.json");
  }

  private static void assertCamelCaseKeys(JsonNode node, String where) {
    if (node.isObject()) {
      for (Iterator<String> it = node.fieldNames(); it.hasNext();) {
        String k = it.next();
        // methodSettings holds option names as the command line spells them (mask-type)
        assertTrue(k.matches("[a-z][A-Za-z0-9-]*") && !k.contains("_"), where + ": key not camelCase: " + k);
        assertCamelCaseKeys(node.get(k), where + "." + k);
      }
    } else if (node.isArray()) {
      node.forEach(n -> assertCamelCaseKeys(n, where));
    }
  }

  private static int classOf(Path evaluateOut) throws IOException {
    return new ObjectMapper().readTree(evaluateOut.resolve("evaluation.json").toFile()).get("rows").get(0)
        .get("class").asInt();
  }
}
