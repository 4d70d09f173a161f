package dev.lanterne.tensor;

import dev.lanterne.LanterneException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * Resolves a file name that a model or a card gives (external data, a label file) so that it cannot
 * reach outside the folder it belongs to: the name must be relative, must not climb out with "..",
 * and must not lead out through a symbolic link (the check is on real paths, links resolved).
 */
public final class ContainedPaths {
  private ContainedPaths() {}

  /**
   * The real path of {@code name} inside {@code folder}.
   *
   * @param folder the folder the name belongs to (the model's or the card's)
   * @param name the relative name as the file gives it
   * @param what what is being resolved, for the message ("external data of tensor 'w'")
   * @return the real path of an existing file inside the folder's real path
   * @throws LanterneException when the name is absolute, escapes the folder (by "..", or by a link to
   *     or through a folder outside it), or names no regular file
   */
  public static Path resolve(Path folder, String name, String what) {
    Path rel;
    try {
      rel = Path.of(name);
    } catch (InvalidPathException e) {
      throw new LanterneException(what + " is not a valid file name (" + name + ")");
    }
    Path realFolder;
    try {
      realFolder = folder.toRealPath();
    } catch (IOException e) {
      throw new LanterneException("cannot read the folder " + folder + " (" + AtomicFiles.reason(e) + ")", e);
    }
    Path lexical = realFolder.resolve(rel).normalize();
    if (rel.isAbsolute() || name.startsWith("/") || name.startsWith("\\") || !lexical.startsWith(realFolder)) {
      throw outside(what, name);
    }
    if (!Files.exists(lexical)) {
      throw new LanterneException(what + " names " + name + ", which does not exist in " + folder);
    }
    Path real;
    try {
      real = lexical.toRealPath();
    } catch (IOException e) {
      throw new LanterneException("cannot read " + lexical + " (" + AtomicFiles.reason(e) + ")", e);
    }
    if (!real.startsWith(realFolder)) {
      throw outside(what, name);
    }
    if (!Files.isRegularFile(real)) {
      throw new LanterneException(what + " names " + name + ", which is not a file");
    }
    return real;
  }

  /** Whether {@code name} names an existing file inside the folder by the rules of {@link #resolve}. */
  public static boolean existsInside(Path folder, String name) {
    try {
      Path realFolder = folder.toRealPath();
      Path lexical = realFolder.resolve(name).normalize();
      return !Path.of(name).isAbsolute() && lexical.startsWith(realFolder) && Files.exists(lexical);
    } catch (IOException | InvalidPathException e) {
      return false;
    }
  }

  private static LanterneException outside(String what, String name) {
    return new LanterneException(what + " points outside its folder (" + name + "); refusing to read it,"
        + " keep the file beside the model or card (no links out of the folder)");
  }
}
