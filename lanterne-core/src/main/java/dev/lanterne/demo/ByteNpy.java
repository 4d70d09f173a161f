package dev.lanterne.demo;

import dev.lanterne.tensor.AtomicFiles;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * Writes uint8 .npy arrays (format 1.0), a quarter of the size of float32 for pictures and masks.
 * {@link dev.lanterne.tensor.Npy} covers float32 only.
 */
final class ByteNpy {
  private ByteNpy() {}

  /** Writes data (C order) with the given shape, atomically. */
  static void write(Path file, byte[] data, int... shape) {
    long count = Arrays.stream(shape).asLongStream().reduce(1, (a, b) -> a * b);
    if (count != data.length) {
      throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " needs " + count + " bytes");
    }
    String dims = Arrays.stream(shape).mapToObj(Integer::toString).collect(Collectors.joining(", "));
    String dict = "{'descr': '|u1', 'fortran_order': False, 'shape': (" + dims + (shape.length == 1 ? ",)" : ")")
        + ", }";
    // magic (6) + version (2) + header length (2) + dict + newline, padded to 64 bytes
    int unpadded = 10 + dict.length() + 1;
    String header = dict + " ".repeat((64 - unpadded % 64) % 64) + "\n";
    AtomicFiles.write(file, (OutputStream out) -> {
      out.write(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
      out.write(header.length() & 0xFF);
      out.write(header.length() >> 8);
      out.write(header.getBytes(StandardCharsets.ISO_8859_1));
      out.write(data);
    });
  }
}
