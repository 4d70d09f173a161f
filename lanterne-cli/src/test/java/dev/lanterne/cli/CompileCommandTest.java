package dev.lanterne.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtSession;
import dev.lanterne.runtime.OrtSessions;
import dev.lanterne.runtime.RuntimeOptions;
import dev.lanterne.testing.SharedData;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompileCommandTest {
  private static int run(Command c, String... args) throws Exception {
    CommandLine cl = new DefaultParser().parse(c.options(), args);
    return c.run(cl);
  }

  @Test
  void writesThreeGraphsThatLoad(@TempDir Path dir) throws Exception {
    System.setProperty("lanterne.cache", dir.resolve("cache").toString());
    try {
      Path model = SharedData.torchvision("squeezenet1_1");
      Path out = dir.resolve("out");
      assertEquals(0, run(new CompileCommand(), "--model", model.toString(), "--out", out.toString()));
      for (String kind : new String[] {"saliency", "gradcam", "inversion"}) {
        Path f = out.resolve("squeezenet1_1." + kind + ".onnx");
        assertTrue(Files.isRegularFile(f), f.toString());
        OrtSession s = OrtSessions.create(Files.readAllBytes(f), RuntimeOptions.DEFAULT, f.toString());
        assertTrue(s.getInputNames().contains("seed"));
        OrtSessions.closeQuietly(s);
      }
    } finally {
      System.clearProperty("lanterne.cache");
    }
  }

  @Test
  void layersMarksTheDefault() throws Exception {
    PrintStream old = System.out;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
    try {
      assertEquals(0, run(new LayersCommand(), "--model", SharedData.torchvision("resnet18").toString()));
    } finally {
      System.setOut(old);
    }
    String text = buf.toString(StandardCharsets.UTF_8);
    String marked = text.lines().filter(l -> l.startsWith("*")).findFirst().orElseThrow();
    assertTrue(marked.contains("512x7x7") && marked.contains("/layer4/layer4.1/relu_1/Relu_output_0"), marked);
  }
}
