package dev.lanterne.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TimingTest {
  @TempDir
  Path dir;

  @Test
  void warmUpStopsAtTheMinimumOnceNothingNewIsTouched() {
    int[] calls = {0};
    assertEquals(3, Timing.warmUp(3, () -> calls[0]++));
    assertEquals(3, calls[0]);
  }

  @Test
  void noWarmUpAskedMeansNone() {
    int[] calls = {0};
    assertEquals(0, Timing.warmUp(0, () -> calls[0]++));
    assertEquals(0, calls[0]);
  }

  @Test
  void warmUpGoesOnWhileCallsTouchNewMemory() {
    assumeTrue(Timing.minorPageFaults() >= 0, "needs /proc/self/stat (Linux)");
    // the first six calls each write 8 MiB of memory never touched before (kept, so never reused)
    List<MappedByteBuffer> kept = new ArrayList<>();
    int[] calls = {0};
    Runnable task = () -> {
      if (calls[0]++ < 6) {
        kept.add(touchFresh(8 << 20));
      }
    };
    int rounds = Timing.warmUp(2, task);
    // six faulting rounds, then the first quiet one
    assertEquals(7, rounds);
    assertEquals(6, kept.size());
  }

  @Test
  void minorPageFaultsCountTouchedPages() {
    long before = Timing.minorPageFaults();
    assumeTrue(before >= 0, "needs /proc/self/stat (Linux)");
    touchFresh(16 << 20);
    // 4096 pages of 4 KiB
    assertTrue(Timing.minorPageFaults() - before >= Timing.SETTLED_PAGE_FAULTS, "faults");
  }

  /**
   * Memory no one touched before: a new file mapped into memory, one byte written per 4 KiB page (each
   * first write faults a page in). Freed native memory could be handed out again already touched.
   */
  private MappedByteBuffer touchFresh(int bytes) {
    try {
      Path file = Files.createTempFile(dir, "fresh", ".bin");
      try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
        MappedByteBuffer b = ch.map(FileChannel.MapMode.READ_WRITE, 0, bytes);
        for (int i = 0; i < bytes; i += 4096) {
          b.put(i, (byte) 1);
        }
        return b;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
