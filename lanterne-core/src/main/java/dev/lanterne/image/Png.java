package dev.lanterne.image;

import dev.lanterne.tensor.AtomicFiles;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/** Writes PNG files atomically (temporary file, then move), never leaving half a picture behind. */
public final class Png {
  private Png() {}

  /**
   * Writes an image as a PNG file atomically, creating missing folders.
   *
   * @throws dev.lanterne.LanterneException when the file cannot be written
   */
  public static void write(Path file, BufferedImage image) {
    AtomicFiles.write(file, out -> encode(image, out));
  }

  /** The PNG encoding of an image. */
  public static void encode(BufferedImage image, OutputStream out) throws IOException {
    Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("png");
    if (!writers.hasNext()) {
      throw new IOException("no PNG writer in this Java runtime");
    }
    ImageWriter writer = writers.next();
    // memory cache: no ImageIO cache files in the temp folder
    try (ImageOutputStream ios = new MemoryCacheImageOutputStream(out)) {
      writer.setOutput(ios);
      writer.write(image);
    } finally {
      writer.dispose();
    }
  }
}
