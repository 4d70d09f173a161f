package dev.lanterne.onnx;

import static dev.lanterne.testing.TinyModels.floats;
import static dev.lanterne.testing.TinyModels.node;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanterne.LanterneException;
import dev.lanterne.onnx.proto.Onnx;
import dev.lanterne.testing.TinyModels;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExternalDataTest {
  @TempDir
  Path dir;

  /** y = x + w, where w [1,3] lives in an external file at the given location and offset. */
  private static Onnx.ModelProto modelWithExternalWeights(String location, long offset) {
    Onnx.TensorProto w = Onnx.TensorProto.newBuilder().setName("w").addDims(1).addDims(3)
        .setDataType(Onnx.TensorProto.DataType.FLOAT_VALUE)
        .setDataLocation(Onnx.TensorProto.DataLocation.EXTERNAL)
        .addExternalData(entry("location", location))
        .addExternalData(entry("offset", Long.toString(offset)))
        .addExternalData(entry("length", "12")).build();
    Onnx.GraphProto.Builder g = Onnx.GraphProto.newBuilder()
        .addInput(floats("x", 1, 3)).addOutput(floats("y", 1, 3)).addInitializer(w)
        .addNode(node("Add", List.of("x", "w"), "y"));
    return TinyModels.model(13, g);
  }

  private static Onnx.StringStringEntryProto entry(String k, String v) {
    return Onnx.StringStringEntryProto.newBuilder().setKey(k).setValue(v).build();
  }

  /** 4 bytes of padding, then the floats 1.5, -2, 10 in little-endian order. */
  private static byte[] weights() {
    ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(0xdeadbeef).putFloat(1.5f).putFloat(-2).putFloat(10);
    return b.array();
  }

  @Test
  void externalDataBesideTheModelIsInlined() throws IOException {
    Files.createDirectories(dir.resolve("model/data"));
    Files.write(dir.resolve("model/data/weights.bin"), weights());
    Path file = dir.resolve("model/m.onnx");
    Files.write(file, modelWithExternalWeights("data/weights.bin", 4).toByteArray());
    Onnx.ModelProto loaded = OnnxModels.load(file);
    float[] y = TinyModels.run(loaded.toByteArray(), "x", new float[] {1, 1, 1}, new long[] {1, 3}, "y");
    assertArrayEquals(new float[] {2.5f, -1, 11}, y);
  }

  @Test
  void readBytesInlinesExternalDataForOnnxRuntime() throws IOException {
    Files.createDirectories(dir.resolve("model/data"));
    Files.write(dir.resolve("model/data/weights.bin"), weights());
    Path file = dir.resolve("model/m.onnx");
    Files.write(file, modelWithExternalWeights("data/weights.bin", 4).toByteArray());
    float[] y = TinyModels.run(OnnxModels.readBytes(file), "x", new float[] {1, 1, 1}, new long[] {1, 3}, "y");
    assertArrayEquals(new float[] {2.5f, -1, 11}, y);
  }

  @Test
  void externalDataOutsideTheFolderIsRefused() throws IOException {
    Files.createDirectories(dir.resolve("model"));
    Files.write(dir.resolve("outside.bin"), weights());
    Path file = dir.resolve("model/m.onnx");
    Files.write(file, modelWithExternalWeights("../outside.bin", 4).toByteArray());
    LanterneException e = assertThrows(LanterneException.class, () -> OnnxModels.load(file));
    assertTrue(e.getMessage().contains("outside the model's folder (../outside.bin)"), e.getMessage());
    assertTrue(!e.getMessage().contains("\n"), "one line");
  }

  @Test
  void absoluteExternalLocationIsRefused() throws IOException {
    Files.write(dir.resolve("abs.bin"), weights());
    Path file = dir.resolve("m.onnx");
    Files.write(file, modelWithExternalWeights(dir.resolve("abs.bin").toAbsolutePath().toString(), 4).toByteArray());
    LanterneException e = assertThrows(LanterneException.class, () -> OnnxModels.load(file));
    assertTrue(e.getMessage().contains("outside the model's folder"), e.getMessage());
  }

  @Test
  void truncatedExternalDataIsAClearError() throws IOException {
    Files.write(dir.resolve("short.bin"), new byte[8]);
    Path file = dir.resolve("m.onnx");
    Files.write(file, modelWithExternalWeights("short.bin", 0).toByteArray());
    LanterneException e = assertThrows(LanterneException.class, () -> OnnxModels.load(file));
    assertTrue(e.getMessage().contains("truncated"), e.getMessage());
  }
}
