package dev.lanterne.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanterne.LanterneException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 13 (1, 2): an output folder holds the complete old or the complete new set, never a mix. */
class OutputFolderTest {
  @TempDir Path dir;

  private static List<String> names(Path d) throws IOException {
    try (Stream<Path> s = Files.list(d)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void aCommittedRunReplacesThePreviousOneAndKeepsForeignFiles() throws IOException {
    Path out = dir.resolve("out");
    try (OutputFolder f = OutputFolder.begin(out)) {
      Files.writeString(f.path().resolve("a.txt"), "1");
      Files.writeString(f.path().resolve("b.txt"), "1");
      f.commit();
    }
    Files.writeString(out.resolve("notes.md"), "mine");
    try (OutputFolder f = OutputFolder.begin(out)) {
      Files.writeString(f.path().resolve("a.txt"), "2");
      assertEquals(List.of(".lanterne-files", "a.txt", "b.txt", "notes.md"), names(out), "untouched until commit");
      f.commit();
    }
    assertEquals(List.of(".lanterne-files", "a.txt", "notes.md"), names(out));
    assertEquals("2", Files.readString(out.resolve("a.txt")));
    assertEquals(List.of("a.txt"), OutputFolder.readManifest(out));
    assertEquals(List.of("out"), names(dir), "no staging or backup left");
  }

  @Test
  void anAbortedRunLeavesThePreviousOne() throws IOException {
    Path out = dir.resolve("out");
    try (OutputFolder f = OutputFolder.begin(out)) {
      Files.writeString(f.path().resolve("a.txt"), "1");
      f.commit();
    }
    try (OutputFolder f = OutputFolder.begin(out)) {
      Files.writeString(f.path().resolve("a.txt"), "2");
      Files.writeString(f.path().resolve("c.txt"), "2");
    }
    assertEquals(List.of(".lanterne-files", "a.txt"), names(out));
    assertEquals("1", Files.readString(out.resolve("a.txt")));
    assertEquals(List.of("out"), names(dir));
  }

  @Test
  void aSwapCutShortIsRolledBackOrCompletedByTheNextRun() throws IOException {
    Path out = dir.resolve("out");
    // killed between the two renames, before the new set was complete: the old set comes back
    Files.createDirectories(dir.resolve(".out.lanterne-999999999-ab.old"));
    Files.writeString(dir.resolve(".out.lanterne-999999999-ab.old").resolve("old.txt"), "old");
    Files.createDirectories(dir.resolve(".out.lanterne-999999999-ab.new"));
    OutputFolder.recover(out);
    assertEquals(List.of("old.txt"), names(out));
    assertEquals(List.of("out"), names(dir));
    // killed between the two renames with a complete new set (its manifest written): it is swapped in
    Files.move(out, dir.resolve(".out.lanterne-999999999-cd.old"));
    Path staged = Files.createDirectories(dir.resolve(".out.lanterne-999999999-cd.new"));
    Files.writeString(staged.resolve("new.txt"), "new");
    Files.writeString(staged.resolve(OutputFolder.MANIFEST), "new.txt\n");
    OutputFolder.recover(out);
    assertEquals(List.of(".lanterne-files", "new.txt", "old.txt"), names(out), "old.txt was not Lanterne's");
    assertEquals(List.of("out"), names(dir));
  }

  @Test
  void unusableFoldersAreRefused() throws IOException {
    assertThrows(LanterneException.class, () -> OutputFolder.begin(Path.of("")));
    assertThrows(LanterneException.class, () -> OutputFolder.begin(Path.of(".")));
    Files.writeString(dir.resolve("file"), "x");
    LanterneException e = assertThrows(LanterneException.class, () -> OutputFolder.begin(dir.resolve("file")));
    assertTrue(e.getMessage().contains("is a file"));
    assertFalse(Files.exists(dir.resolve("out")));
  }

  /** A temporary file of a killed writer (a process that is gone) is removed by the next write there. */
  @Test
  void leftoverTemporaryFilesOfDeadProcessesAreRemoved() throws IOException {
    Path d = Files.createDirectories(dir.resolve("single"));
    Files.writeString(d.resolve(".lanterne-999999999-123.tmp"), "half");
    Path live = d.resolve(".lanterne-" + ProcessHandle.current().pid() + "-456.tmp");
    Files.writeString(live, "in progress");
    AtomicFiles.write(d.resolve("x.npy"), new byte[] {1});
    assertEquals(List.of(live.getFileName().toString(), "x.npy"), names(d));
  }

  /** An --out that is a link to a folder: the folder it points to is replaced, the link stays. */
  @Test
  void aLinkedOutputFolderStaysALink() throws IOException {
    Path real = Files.createDirectories(dir.resolve("real"));
    Files.writeString(real.resolve("mine.txt"), "keep");
    Path link = Files.createSymbolicLink(dir.resolve("link"), real);
    try (OutputFolder f = OutputFolder.begin(link)) {
      Files.writeString(f.path().resolve("a.txt"), "1");
      f.commit();
    }
    assertTrue(Files.isSymbolicLink(link));
    assertEquals(List.of(".lanterne-files", "a.txt", "mine.txt"), names(real));
  }
}
