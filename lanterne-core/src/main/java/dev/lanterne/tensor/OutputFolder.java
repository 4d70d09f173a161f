package dev.lanterne.tensor;

import dev.lanterne.LanterneException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * An output folder written as one transaction: every file of a run goes into a hidden sibling
 * folder, which replaces the target folder only when the run completes. After any interruption
 * (an error, Ctrl-C, kill -9, a full disk) the target holds either the complete previous set or the
 * complete new set, never a mix.
 *
 * <p>Each committed folder carries a manifest ({@value #MANIFEST}) listing the files of its run.
 * When a new run replaces a folder, the files its manifest lists go; files that Lanterne did not
 * write there (not in the manifest) are kept. Hidden leftovers of a run that was killed are
 * removed, or a swap that was cut short is completed, by the next run into the same folder.
 *
 * <p>Not thread-safe: one thread writes and commits a folder. Separate runs may write to separate
 * folders concurrently; two processes writing to the same folder at once each commit a complete set,
 * the later one winning.
 */
public final class OutputFolder implements AutoCloseable {
  /** The manifest of a committed folder: one relative path per line, the files of its run. */
  public static final String MANIFEST = ".lanterne-files";
  private static final String MARK = ".lanterne-";
  private static final String NEW = ".new";
  private static final String OLD = ".old";

  private final Path target;
  private final Path staging;
  private final boolean inPlace;
  private final Thread hook;
  private boolean committed;
  private boolean closed;

  private OutputFolder(Path target, Path staging, boolean inPlace) {
    this.target = target;
    this.staging = staging;
    this.inPlace = inPlace;
    this.hook = new Thread(this::abortQuietly, "lanterne-output-cleanup");
    try {
      Runtime.getRuntime().addShutdownHook(hook);
    } catch (IllegalStateException e) {
      // the JVM is already shutting down; close() still removes the staging folder
    }
  }

  /**
   * Starts a run into a folder: checks that it can be written, finishes or removes what an earlier
   * killed run left beside it, and creates the hidden staging folder the run writes to.
   *
   * @param folder the folder that holds the results once the run commits
   * @throws LanterneException when the folder cannot be used (not a folder, not writable, or the
   *     current folder or one above it, which a swap would move away)
   */
  public static OutputFolder begin(Path folder) {
    if (folder.toString().isBlank()) {
      throw LanterneException.usage("the output folder is empty; pass a folder name such as out/");
    }
    Path target = folder.toAbsolutePath().normalize();
    if (Files.isSymbolicLink(target) && Files.isDirectory(target)) {
      try {
        target = target.toRealPath(); // swap the folder the link points to; the link keeps pointing at it
      } catch (IOException e) {
        throw new LanterneException("cannot resolve " + folder + " (" + AtomicFiles.reason(e) + ")", e);
      }
    }
    Path parent = target.getParent();
    if (parent == null) {
      throw LanterneException.usage("cannot use " + folder + " as output folder; pass a folder below it");
    }
    Path cwd = Path.of("").toAbsolutePath().normalize();
    if (cwd.startsWith(target)) {
      throw LanterneException.usage("the output folder " + folder + " is the current folder or one above it;"
          + " pass a folder of its own such as out/");
    }
    if (Files.exists(target) && !Files.isDirectory(target)) {
      throw LanterneException.usage("the output folder " + folder + " is a file; pass a folder");
    }
    try {
      Files.createDirectories(parent);
    } catch (IOException e) {
      throw new LanterneException("cannot create " + parent + " (" + AtomicFiles.reason(e)
          + "); pass an output folder you can write to", e);
    }
    recover(target);
    String token = prefix(target) + ProcessHandle.current().pid() + "-"
        + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffL);
    Path staging = parent.resolve(token + NEW);
    try {
      Files.createDirectory(staging);
      probe(staging);
      return new OutputFolder(target, staging, false);
    } catch (IOException | UnsupportedOperationException e) {
      deleteQuietly(staging);
      // the folder may be writable where its parent is not: stage inside it, commit file by file
      Path inner = target.resolve(token + NEW);
      try {
        Files.createDirectories(inner);
        probe(inner);
        return new OutputFolder(target, inner, true);
      } catch (IOException | UnsupportedOperationException e2) {
        deleteQuietly(inner);
        throw new LanterneException("cannot write to output folder " + folder + " (" + AtomicFiles.reason(e)
            + "); pass an output folder you can write to", e);
      }
    }
  }

  private static void probe(Path dir) throws IOException {
    Path probe = Files.createTempFile(dir, ".lanterne-probe", ".tmp");
    Files.delete(probe);
  }

  /** Where the run writes its files until {@link #commit()}. */
  public Path path() {
    return staging;
  }

  /** The folder that holds the results after {@link #commit()}. */
  public Path target() {
    return target;
  }

  /** A path under the staging folder, as it will be named once committed. */
  public Path finalPath(Path p) {
    Path a = p.toAbsolutePath().normalize();
    return a.startsWith(staging) ? target.resolve(staging.relativize(a).toString()) : p;
  }

  /**
   * Makes the staged files the content of the target folder: writes the manifest, then swaps the
   * staging folder in. Files of the previous run that are not part of this one are gone afterwards;
   * files Lanterne did not write stay.
   */
  public synchronized void commit() {
    if (closed || committed) {
      throw new IllegalStateException("output folder " + target + " is already " + (committed ? "committed"
          : "closed"));
    }
    try {
      List<String> files = listFiles(staging);
      files.remove(MANIFEST);
      Files.write(staging.resolve(MANIFEST), manifestText(files), java.nio.file.StandardOpenOption.CREATE_NEW);
      if (inPlace) {
        commitInPlace(files);
      } else {
        commitBySwap();
      }
      committed = true;
    } catch (IOException e) {
      throw new LanterneException("cannot move the results into " + target + " (" + AtomicFiles.reason(e)
          + "); they are in " + staging, e);
    } finally {
      removeHook();
    }
  }

  private void commitBySwap() throws IOException {
    if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
      move(staging, target);
      return;
    }
    String token = staging.getFileName().toString();
    Path backup = target.resolveSibling(token.substring(0, token.length() - NEW.length()) + OLD);
    try {
      move(target, backup);
    } catch (IOException e) {
      // a mount point or a folder we may not rename: fall back to replacing its files one by one
      Path inner = target.resolve(token);
      move(staging, inner);
      List<String> files = listFiles(inner);
      files.remove(MANIFEST);
      commitInPlaceFrom(inner, files);
      return;
    }
    move(staging, target);
    keepForeign(backup, target);
    deleteTree(backup);
  }

  private void commitInPlace(List<String> files) throws IOException {
    commitInPlaceFrom(staging, files);
  }

  /** Moves the staged files over the target's one by one, then removes the previous run's other files. */
  private void commitInPlaceFrom(Path from, List<String> files) throws IOException {
    Set<String> previous = new HashSet<>(readManifest(target));
    for (String f : files) {
      Path dst = target.resolve(f);
      Files.createDirectories(dst.getParent());
      move(from.resolve(f), dst);
      previous.remove(f);
    }
    for (String stale : previous) {
      Files.deleteIfExists(target.resolve(stale));
    }
    move(from.resolve(MANIFEST), target.resolve(MANIFEST));
    deleteTree(from);
  }

  /** Aborts an uncommitted run: the staging folder and everything in it are removed. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (!committed) {
      deleteQuietly(staging);
    }
    removeHook();
  }

  private synchronized void abortQuietly() {
    if (!committed && !closed) {
      closed = true;
      deleteQuietly(staging);
    }
  }

  private void removeHook() {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // shutting down: the hook runs or has run
    }
  }

  /**
   * Finishes or undoes what killed runs left beside (or inside) a folder: a swap cut short between its
   * two renames is completed when the new set was complete and rolled back otherwise; staging folders
   * and backups of runs whose process is gone are removed.
   */
  public static void recover(Path folder) {
    Path target = folder.toAbsolutePath().normalize();
    Path parent = target.getParent();
    if (parent == null || !Files.isDirectory(parent)) {
      return;
    }
    try {
      List<Path> leftovers = leftovers(parent, prefix(target));
      for (Path old : leftovers) {
        String n = old.getFileName().toString();
        if (!n.endsWith(OLD)) {
          continue;
        }
        Path staged = old.resolveSibling(n.substring(0, n.length() - OLD.length()) + NEW);
        if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
          if (Files.isRegularFile(staged.resolve(MANIFEST))) {
            move(staged, target);
          } else {
            move(old, target);
            continue;
          }
        }
        keepForeign(old, target);
        deleteTree(old);
      }
      for (Path p : leftovers) {
        if (p.getFileName().toString().endsWith(NEW)) {
          deleteTree(p);
        }
      }
      if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
        for (Path p : leftovers(target, prefix(target))) {
          deleteTree(p);
        }
        AtomicFiles.removeLeftovers(target);
      }
    } catch (IOException e) {
      // best effort: a leftover we cannot remove is hidden and does not change the results
    }
  }

  /** Hidden staging folders and backups of dead processes, named after the folder they belong to. */
  private static List<Path> leftovers(Path dir, String prefix) throws IOException {
    List<Path> out = new ArrayList<>();
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, prefix + "*")) {
      for (Path p : s) {
        String rest = p.getFileName().toString().substring(prefix.length());
        int dash = rest.indexOf('-');
        if (dash <= 0 || !(rest.endsWith(NEW) || rest.endsWith(OLD))) {
          continue;
        }
        long pid;
        try {
          pid = Long.parseLong(rest.substring(0, dash));
        } catch (NumberFormatException e) {
          continue;
        }
        if (pid == ProcessHandle.current().pid()
            || ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
          continue; // a run still in progress
        }
        out.add(p);
      }
    }
    out.sort(null);
    return out;
  }

  /** Moves the entries of a previous folder that its manifest does not list (not Lanterne's) into the new one. */
  private static void keepForeign(Path old, Path now) throws IOException {
    Set<String> ours = new HashSet<>();
    for (String f : readManifest(old)) {
      int slash = f.indexOf('/');
      ours.add(slash < 0 ? f : f.substring(0, slash));
    }
    ours.add(MANIFEST);
    try (DirectoryStream<Path> s = Files.newDirectoryStream(old)) {
      for (Path p : s) {
        String name = p.getFileName().toString();
        if (!ours.contains(name) && !Files.exists(now.resolve(name), LinkOption.NOFOLLOW_LINKS)) {
          move(p, now.resolve(name));
        }
      }
    }
  }

  /** The files a committed folder's manifest lists (empty when it has none). */
  public static List<String> readManifest(Path folder) throws IOException {
    Path m = folder.resolve(MANIFEST);
    if (!Files.isRegularFile(m)) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    for (String line : Files.readAllLines(m, StandardCharsets.UTF_8)) {
      String f = line.strip();
      if (!f.isEmpty() && !f.startsWith("#") && !f.startsWith("/") && !f.contains("..")) {
        out.add(f);
      }
    }
    return out;
  }

  private static byte[] manifestText(List<String> files) {
    StringBuilder sb = new StringBuilder("# files written by one Lanterne run; the next run into this folder"
        + " replaces them\n");
    for (String f : files) {
      sb.append(f).append('\n');
    }
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** Relative paths (with /) of the regular files under a folder, sorted. */
  private static List<String> listFiles(Path dir) throws IOException {
    List<String> out = new ArrayList<>();
    try (Stream<Path> s = Files.walk(dir)) {
      s.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))
          .forEach(p -> out.add(dir.relativize(p).toString().replace('\\', '/')));
    }
    out.sort(null);
    return out;
  }

  /** The name prefix of a folder's hidden staging folders and backups: ".NAME.lanterne-". */
  private static String prefix(Path target) {
    String name = target.getFileName().toString();
    if (name.length() > 120) {
      name = name.substring(0, 100) + "~" + Integer.toHexString(name.hashCode());
    }
    return "." + name + MARK;
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to);
    }
  }

  private static void deleteQuietly(Path dir) {
    try {
      deleteTree(dir);
    } catch (IOException e) {
      // best effort: the next run into this folder removes it
    }
  }

  /** Deletes a file or a folder with everything in it; links are removed, never followed. */
  static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        Files.deleteIfExists(file);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
        Files.deleteIfExists(dir);
        return FileVisitResult.CONTINUE;
      }
    });
  }
}
