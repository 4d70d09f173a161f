package dev.lanterne.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lanterne.LanterneException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
  @TempDir Path dir;

  @Test
  void writesWholeFileReadableByAll() throws IOException {
    Path f = dir.resolve("a").resolve("x.bin");
    AtomicFiles.write(f, new byte[] {1, 2, 3});
    assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(f));
    assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
  }

  @Test
  void failedWriteLeavesNothing() throws IOException {
    Path f = dir.resolve("y.bin");
    assertThrows(LanterneException.class, () -> AtomicFiles.write(f, out -> {
      out.write(new byte[10]);
      throw new IOException("disk full");
    }));
    try (Stream<Path> s = Files.list(dir)) {
      assertEquals(0, s.count(), "no partial or temporary file left");
    }
  }

  @Test
  void npyRoundTrip() {
    Tensor t = new Tensor(new float[] {1.5f, -2f, 3f, 0f, 7f, 8f}, new int[] {2, 3});
    Path f = dir.resolve("t.npy");
    Npy.write(f, t);
    assertEquals(t, Npy.read(f));
  }
}
