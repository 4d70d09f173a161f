package dev.lanterne.batch;

import dev.lanterne.LanterneException;
import dev.lanterne.metrics.Box;
import dev.lanterne.tensor.AtomicFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The images of a run, frozen when the run starts ({@code manifest.csv}): index, path, size in bytes,
 * SHA-256 of the file, label and boxes. Every later step (resume, Spark tasks) reads this file, never
 * the input folder again, so the image behind an index cannot change. Immutable.
 */
public final class Manifest {
  /** The file name in the run folder. */
  public static final String FILE = "manifest.csv";
  static final List<String> COLUMNS = List.of("index", "path", "size", "sha256", "label", "boxes");

  /**
   * One image.
   *
   * @param index its position in the run, from 0
   * @param path the image file, absolute
   * @param size bytes, or -1 when the file could not be read at freeze time
   * @param sha256 lower-case hex, or "" when unreadable
   * @param label ground-truth label or class index, or ""
   * @param boxes boxes of the labelled object, empty when none
   */
  public record Entry(int index, Path path, long size, String sha256, String label, List<Box> boxes) {}

  private final List<Entry> entries;

  private Manifest(List<Entry> entries) {
    this.entries = List.copyOf(entries);
  }

  /** Every image, in index order (unmodifiable). */
  public List<Entry> entries() {
    return entries;
  }

  /** The image with this index. */
  public Entry get(int index) {
    return entries.get(index);
  }

  /** Number of images. */
  public int size() {
    return entries.size();
  }

  /** Hashes the inputs (on a few threads) and freezes them in order. */
  public static Manifest freeze(List<BatchInput> inputs, int threads) {
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads), r -> {
      Thread t = new Thread(r, "lanterne-hash");
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<Entry>> futures = new ArrayList<>();
      for (int i = 0; i < inputs.size(); i++) {
        int index = i;
        BatchInput in = inputs.get(i);
        futures.add(pool.submit(() -> entry(index, in)));
      }
      List<Entry> out = new ArrayList<>();
      for (Future<Entry> f : futures) {
        out.add(f.get());
      }
      return new Manifest(out);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LanterneException("interrupted while hashing the inputs", e);
    } catch (ExecutionException e) {
      throw new LanterneException("cannot hash the inputs (" + e.getCause().getMessage() + ")", e.getCause());
    } finally {
      pool.shutdownNow();
    }
  }

  private static Entry entry(int index, BatchInput in) {
    try (InputStream s = Files.newInputStream(in.path())) {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[64 * 1024];
      long size = 0;
      int n;
      while ((n = s.read(buf)) > 0) {
        md.update(buf, 0, n);
        size += n;
      }
      return new Entry(index, in.path(), size, HexFormat.of().formatHex(md.digest()), in.label(), in.boxes());
    } catch (IOException e) {
      return new Entry(index, in.path(), -1, "", in.label(), in.boxes());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Writes manifest.csv atomically. */
  public void write(Path file) {
    List<Map<String, String>> rows = new ArrayList<>();
    for (Entry e : entries) {
      Map<String, String> r = new LinkedHashMap<>();
      r.put("index", Integer.toString(e.index()));
      r.put("path", e.path().toString());
      r.put("size", Long.toString(e.size()));
      r.put("sha256", e.sha256());
      r.put("label", e.label());
      r.put("boxes", BatchInput.formatBoxes(e.boxes()));
      rows.add(r);
    }
    AtomicFiles.write(file, Csv.bytes(COLUMNS, rows, true));
  }

  /** Reads a manifest.csv written by {@link #write}. */
  public static Manifest read(Path file) {
    List<Entry> out = new ArrayList<>();
    for (Map<String, String> r : Csv.read(file)) {
      try {
        int index = Integer.parseInt(r.get("index"));
        if (index != out.size()) {
          throw new IllegalArgumentException("index " + index + " out of order");
        }
        out.add(new Entry(index, Path.of(r.get("path")), Long.parseLong(r.get("size")), r.get("sha256"),
            r.getOrDefault("label", ""), BatchInput.parseBoxes(r.getOrDefault("boxes", ""), file.toString())));
      } catch (RuntimeException e) {
        throw new LanterneException("the manifest " + file + " is damaged at row " + (out.size() + 1) + " ("
            + e.getMessage() + "); start the run in a new folder");
      }
    }
    return new Manifest(out);
  }

  /** The paths, in order (what a re-run compares against its inputs). */
  public List<Path> paths() {
    return entries.stream().map(Entry::path).toList();
  }
}
