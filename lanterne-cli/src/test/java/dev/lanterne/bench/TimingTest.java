package dev.lanterne.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TimingTest {
  @Test
  void warmUpStopsAtTheMinimumOnceNothingNewIsTouched() {
    int[] calls = {0};
    assertEquals(3, Timing.warmUp(3, () -> calls[0]++));
    assertEquals(3, calls[0]);
  }

  @Test
  void warmUpGoesOnWhileCallsTouchNewMemory() {
    assumeTrue(Timing.minorPageFaults() >= 0 && !hugePagesAlways(), "needs /proc/self/stat (Linux), 4 KiB pages");
    // the first six calls each write 8 MiB of memory never touched before (kept, so never reused)
    List<ByteBuffer> kept = new ArrayList<>();
    int[] calls = {0};
    Runnable task = () -> {
      if (calls[0]++ < 6) {
        ByteBuffer b = ByteBuffer.allocateDirect(8 << 20);
        for (int i = 0; i < b.capacity(); i += 4096) {
          b.put(i, (byte) 1);
        }
        kept.add(b);
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
    assumeTrue(before >= 0 && !hugePagesAlways(), "needs /proc/self/stat (Linux), 4 KiB pages");
    ByteBuffer b = ByteBuffer.allocateDirect(16 << 20);
    for (int i = 0; i < b.capacity(); i += 4096) {
      b.put(i, (byte) 1);
    }
    // 4096 pages of 4 KiB
    assertTrue(Timing.minorPageFaults() - before >= Timing.SETTLED_PAGE_FAULTS, "faults");
  }

  /** Transparent huge pages for every allocation: then 8 MiB may be four faults, not 2048. */
  private static boolean hugePagesAlways() {
    try {
      return java.nio.file.Files.readString(java.nio.file.Path.of("/sys/kernel/mm/transparent_hugepage/enabled"))
          .contains("[always]");
    } catch (java.io.IOException e) {
      return false;
    }
  }
}
