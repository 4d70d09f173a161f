package dev.lanterne.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShapesDatasetWriterTest {
  @TempDir
  Path dir;

  @Test
  void writesUint8ArraysThatNumpyCanRead() throws Exception {
    ShapesDatasetWriter.write(dir, 3, 5, 32);
    List<ShapeSample> expected = new Shapes(32).samples(5, 3);

    byte[] images = payload(dir.resolve("images.npy"), "(3, 3, 32, 32)");
    assertEquals(3 * 3 * 32 * 32, images.length);
    ShapeSample second = expected.get(1);
    int plane = 32 * 32;
    int pixel = 10 * 32 + 20;
    int rgb = second.rgb()[pixel];
    assertEquals((rgb >> 16) & 0xFF, images[3 * plane + pixel] & 0xFF);
    assertEquals(rgb & 0xFF, images[3 * plane + 2 * plane + pixel] & 0xFF);

    byte[] masks = payload(dir.resolve("masks.npy"), "(3, 32, 32)");
    int area = 0;
    for (int i = 0; i < plane; i++) {
      area += masks[plane + i];
    }
    assertEquals(second.maskArea(), area);

    byte[] labels = payload(dir.resolve("labels.npy"), "(3,)");
    for (int k = 0; k < 3; k++) {
      assertEquals(expected.get(k).label(), labels[k]);
    }
    assertEquals(ShapeKind.labels(), Files.readAllLines(dir.resolve("labels.txt")));
    try (var files = Files.list(dir)) {
      assertEquals(4, files.count(), "no temporary files left behind");
    }
  }

  /** Checks the .npy 1.0 header by the format's rules and returns the data after it. */
  private static byte[] payload(Path file, String shape) throws Exception {
    byte[] bytes = Files.readAllBytes(file);
    assertEquals((byte) 0x93, bytes[0]);
    assertEquals("NUMPY", new String(bytes, 1, 5, StandardCharsets.US_ASCII));
    assertEquals(1, bytes[6]);
    int headerLen = ByteBuffer.wrap(bytes, 8, 2).order(ByteOrder.LITTLE_ENDIAN).getShort();
    assertEquals(0, (10 + headerLen) % 64, "data starts 64-byte aligned");
    String header = new String(bytes, 10, headerLen, StandardCharsets.ISO_8859_1);
    assertTrue(header.contains("'descr': '|u1'"), header);
    assertTrue(header.contains("'fortran_order': False"), header);
    assertTrue(header.contains("'shape': " + shape), header);
    assertTrue(header.endsWith("\n"));
    byte[] data = new byte[bytes.length - 10 - headerLen];
    System.arraycopy(bytes, 10 + headerLen, data, 0, data.length);
    return data;
  }
}
