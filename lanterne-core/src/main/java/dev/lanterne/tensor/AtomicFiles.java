package dev.lanterne.tensor;

import dev.lanterne.LanterneException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes files so that nothing half-written is ever left behind: the bytes go to a temporary
 * file in the same folder, which is then moved into place. Temporary files that a killed process
 * left in a folder are removed the first time this JVM writes there.
 *
 * <p>Thread-safe.
 */
public final class AtomicFiles {
  private AtomicFiles() {}

  private static final String TMP_PREFIX = ".lanterne-";
  /** Folders whose leftovers this JVM has removed already (once per folder is enough). */
  private static final java.util.Set<Path> CLEANED = java.util.concurrent.ConcurrentHashMap.newKeySet();

  /**
   * Removes the temporary files that runs killed while writing left in a folder (those of processes
   * that are gone). Best effort.
   */
  public static void removeLeftovers(Path dir) {
    try (java.nio.file.DirectoryStream<Path> s = Files.newDirectoryStream(dir, TMP_PREFIX + "*.tmp")) {
      for (Path p : s) {
        String rest = p.getFileName().toString().substring(TMP_PREFIX.length());
        int dash = rest.indexOf('-');
        if (dash <= 0 || !rest.substring(0, dash).chars().allMatch(Character::isDigit)) {
          continue;
        }
        long pid = Long.parseLong(rest.substring(0, dash));
        if (pid != ProcessHandle.current().pid()
            && !ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
          Files.deleteIfExists(p);
        }
      }
    } catch (IOException | RuntimeException e) {
      // best effort: a leftover is hidden and never read
    }
  }

  /** Something that writes a whole file to a stream. */
  @FunctionalInterface
  public interface Writer {
    /** Writes the file's whole content; the stream is closed by the caller. */
    void writeTo(OutputStream out) throws IOException;
  }

  /**
   * Writes bytes to a file atomically, replacing any existing file and creating missing folders.
   *
   * @throws dev.lanterne.LanterneException when the file cannot be written
   */
  public static void write(Path file, byte[] bytes) {
    write(file, out -> out.write(bytes));
  }

  /**
   * Writes a file atomically from what the writer produces, replacing any existing file and creating missing
   * folders; if the writer fails, the target is left as it was.
   *
   * @throws dev.lanterne.LanterneException when the file cannot be written (an IOException from the writer
   *     included)
   */
  public static void write(Path file, Writer writer) {
    Path target = file.toAbsolutePath();
    Path dir = target.getParent();
    Path tmp = null;
    try {
      Files.createDirectories(dir);
      if (CLEANED.add(dir)) {
        removeLeftovers(dir);
      }
      // a short name: the temporary file must fit wherever the target's name fits
      tmp = Files.createTempFile(dir, TMP_PREFIX + ProcessHandle.current().pid() + "-", ".tmp");
      try (OutputStream out = Files.newOutputStream(tmp)) {
        writer.writeTo(out);
      }
      readableByAll(tmp);
      try {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
      tmp = null;
    } catch (IOException e) {
      throw new LanterneException("cannot write " + file + " (" + reason(e) + "); check that its folder is"
          + " writable and has space", e);
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // best effort: the temporary file is hidden and named after the target
        }
      }
    }
  }

  /** Temporary files are created private (rw-------); results are ordinary files (rw-r--r--). */
  private static void readableByAll(Path file) throws IOException {
    if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
    }
  }

  /** Checks up front that an output folder can be created and written, before any long work starts. */
  public static Path prepareOutputDir(Path dir) {
    try {
      Files.createDirectories(dir);
      if (!Files.isWritable(dir)) {
        throw new IOException("not writable");
      }
      Path probe = Files.createTempFile(dir, ".lanterne-probe", ".tmp");
      Files.delete(probe);
      return dir;
    } catch (IOException | UnsupportedOperationException e) {
      throw new LanterneException(
          "cannot write to output folder " + dir + " (" + reason(e) + "); choose a folder you can write to",
          LanterneException.FAILURE, null, "out");
    }
  }

  /** What went wrong, without repeating the path that java.nio puts in its messages. */
  static String reason(Exception e) {
    if (e instanceof java.nio.file.FileSystemException fse && fse.getReason() != null) {
      return fse.getReason();
    }
    if (e instanceof java.nio.file.AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof java.nio.file.FileAlreadyExistsException) {
      return "a file with that name is in the way";
    }
    if (e instanceof java.nio.file.NoSuchFileException) {
      return "a parent folder cannot be created";
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }
}
