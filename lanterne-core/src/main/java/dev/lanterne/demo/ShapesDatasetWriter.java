package dev.lanterne.demo;

import dev.lanterne.LanterneException;
import dev.lanterne.tensor.AtomicFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes a generated data set for tools/train_demo.py: images.npy uint8 [N,3,H,W], labels.npy
 * uint8 [N], masks.npy uint8 [N,H,W] (1 on the object) and labels.txt.
 */
public final class ShapesDatasetWriter {
  private ShapesDatasetWriter() {}

  /** Generates the first n pictures of set setSeed at the given size and writes them to dir. */
  public static void write(Path dir, int n, long setSeed, int size) {
    if (n < 1) {
      throw LanterneException.usage("the number of pictures must be at least 1, got " + n);
    }
    AtomicFiles.prepareOutputDir(dir);
    Shapes shapes = new Shapes(size);
    int plane = size * size;
    byte[] images = new byte[n * 3 * plane];
    byte[] masks = new byte[n * plane];
    byte[] labels = new byte[n];
    long[] seeds = Shapes.seeds(setSeed, n);
    for (int k = 0; k < n; k++) {
      ShapeSample s = shapes.sample(seeds[k]);
      labels[k] = (byte) s.label();
      int base = k * 3 * plane;
      for (int i = 0; i < plane; i++) {
        int p = s.rgb()[i];
        images[base + i] = (byte) (p >> 16);
        images[base + plane + i] = (byte) (p >> 8);
        images[base + 2 * plane + i] = (byte) p;
        masks[k * plane + i] = (byte) (s.mask()[i] ? 1 : 0);
      }
    }
    ByteNpy.write(dir.resolve("images.npy"), images, n, 3, size, size);
    ByteNpy.write(dir.resolve("masks.npy"), masks, n, size, size);
    ByteNpy.write(dir.resolve("labels.npy"), labels, n);
    AtomicFiles.write(dir.resolve("labels.txt"),
        (String.join("\n", ShapeKind.labels()) + "\n").getBytes(StandardCharsets.UTF_8));
  }

  /** Usage: ShapesDatasetWriter DIR COUNT SEED [SIZE]. */
  public static void main(String[] args) {
    if (args.length < 3 || args.length > 4) {
      System.err.println("usage: ShapesDatasetWriter DIR COUNT SEED [SIZE]  (labels: " + ShapeKind.labels() + ")");
      System.exit(LanterneException.USAGE);
    }
    try {
      int size = args.length == 4 ? Integer.parseInt(args[3]) : Shapes.DEFAULT_SIZE;
      write(Path.of(args[0]), Integer.parseInt(args[1]), Long.parseLong(args[2]), size);
      System.out.println("wrote " + args[1] + " pictures of " + List.of(size, size) + " to " + args[0]);
    } catch (NumberFormatException e) {
      System.err.println("COUNT, SEED and SIZE must be integers: " + e.getMessage());
      System.exit(LanterneException.USAGE);
    } catch (LanterneException e) {
      System.err.println(e.getMessage());
      System.exit(e.exitCode());
    }
  }
}
