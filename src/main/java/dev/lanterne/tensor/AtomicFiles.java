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
 * file in the same folder, which is then moved into place.
 */
public final class AtomicFiles {
  private AtomicFiles() {}

  /** Something that writes a whole file to a stream. */
  @FunctionalInterface
  public interface Writer {
    void writeTo(OutputStream out) throws IOException;
  }

  public static void write(Path file, byte[] bytes) {
    write(file, out -> out.write(bytes));
  }

  public static void write(Path file, Writer writer) {
    Path target = file.toAbsolutePath();
    Path dir = target.getParent();
    Path tmp = null;
    try {
      Files.createDirectories(dir);
      tmp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
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
      throw new LanterneException(
          "cannot write " + file + " (" + reason(e) + "); choose an --out folder you can write to", e);
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
          "cannot write to output folder " + dir + " (" + reason(e) + "); pass an --out folder you can write to");
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
