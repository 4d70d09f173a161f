package dev.lanterne.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanterne.LanterneException;
import dev.lanterne.onnx.OnnxModels;
import dev.lanterne.onnx.proto.Onnx;
import dev.lanterne.runtime.Classifier;
import dev.lanterne.runtime.RuntimeOptions;
import dev.lanterne.testing.SharedData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.apache.commons.cli.DefaultParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConvertCommandTest {
  @TempDir
  Path dir;

  private static int convert(String... args) throws Exception {
    ConvertCommand cmd = new ConvertCommand();
    return cmd.run(new DefaultParser().parse(cmd.options(), args));
  }

  @Test
  void dequantizesTheQdqModelIntoALoadableFloatModel() throws Exception {
    Path out = dir.resolve("mobilenetv2-float.onnx");
    assertEquals(0, convert("--model", SharedData.model("mobilenetv2-1.0-224-qdq.onnx").toString(), "--dequantize",
        "--out", out.toString()));
    Onnx.ModelProto m = OnnxModels.load(out);
    assertTrue(m.getGraph().getNodeList().stream().noneMatch(n -> n.getOpType().endsWith("QuantizeLinear")));
    try (Classifier c = Classifier.open(out, RuntimeOptions.DEFAULT.withThreads(1))) {
      assertEquals(1000, c.numClasses());
    }
  }

  @Test
  void makesTheBatchDynamic() throws Exception {
    Path out = dir.resolve("v1.onnx");
    assertEquals(0, convert("--model", SharedData.model("mobilenetv1-0.25-128.onnx").toString(), "--dynamic-batch",
        "--out", out.toString()));
    Onnx.ValueInfoProto in = OnnxModels.load(out).getGraph().getInput(0);
    assertEquals("N", in.getType().getTensorType().getShape().getDim(0).getDimParam());
  }

  @Test
  void badArgumentsLeaveNoFile() throws Exception {
    Path out = dir.resolve("out.onnx");
    LanterneException missing = assertThrows(LanterneException.class,
        () -> convert("--model", dir.resolve("nope.onnx").toString(), "--out", out.toString()));
    assertTrue(missing.getMessage().contains("does not exist"), missing.getMessage());
    LanterneException folder = assertThrows(LanterneException.class,
        () -> convert("--model", SharedData.model("mobilenetv1-0.25-128.onnx").toString(), "--out", dir.toString()));
    assertEquals(LanterneException.USAGE, folder.exitCode());
    LanterneException layer = assertThrows(LanterneException.class,
        () -> convert("--model", SharedData.model("mobilenetv1-0.25-128.onnx").toString(), "--expose", "nope",
            "--out", out.toString()));
    assertTrue(layer.getMessage().contains("no tensor named 'nope'"), layer.getMessage());
    assertFalse(Files.exists(out));
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(0, files.count(), "no temporary files left");
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
