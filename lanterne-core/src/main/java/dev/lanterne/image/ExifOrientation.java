package dev.lanterne.image;

import com.twelvemonkeys.imageio.metadata.Directory;
import com.twelvemonkeys.imageio.metadata.Entry;
import com.twelvemonkeys.imageio.metadata.jpeg.JPEGSegment;
import com.twelvemonkeys.imageio.metadata.jpeg.JPEGSegmentUtil;
import com.twelvemonkeys.imageio.metadata.tiff.TIFFReader;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import java.io.ByteArrayInputStream;

/**
 * The EXIF Orientation tag (274) of a JPEG and the rotation or flip it asks for, as PIL's
 * {@code ImageOps.exif_transpose} applies it: 1 upright, 2 mirrored, 3 rotated 180, 4 flipped,
 * 5 transposed, 6 rotated 90 clockwise, 7 transversed, 8 rotated 90 counter-clockwise.
 */
public final class ExifOrientation {
  private static final int APP1 = 0xFFE1;
  private static final int TAG_ORIENTATION = 274;

  private ExifOrientation() {}

  /** The orientation of a JPEG file, 1 when it has none or it cannot be read (it is optional metadata). */
  public static int ofJpeg(Path file) {
    try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
      List<JPEGSegment> segments = JPEGSegmentUtil.readSegments(in, APP1, "Exif");
      for (JPEGSegment segment : segments) {
        int orientation = fromExif(segment.data().readAllBytes());
        if (orientation != 1) {
          return orientation;
        }
      }
    } catch (IOException | RuntimeException e) {
      // a broken EXIF block must not stop an otherwise readable picture
    }
    return 1;
  }

  /** Orientation from an EXIF payload (after the "Exif" identifier; a pad byte before the TIFF header is skipped). */
  static int fromExif(byte[] exif) throws IOException {
    int start = 0;
    while (start < exif.length && start < 4 && exif[start] != 'I' && exif[start] != 'M') {
      start++;
    }
    try (InputStream bytes = new ByteArrayInputStream(exif, start, exif.length - start);
        ImageInputStream tiff = new MemoryCacheImageInputStream(bytes)) {
      Directory directory = new TIFFReader().read(tiff);
      Entry entry = directory.getEntryById(TAG_ORIENTATION);
      if (entry != null && entry.getValue() instanceof Number n && n.intValue() >= 1 && n.intValue() <= 8) {
        return n.intValue();
      }
    }
    return 1;
  }

  /** The image turned upright for the given orientation (the same image for 1). */
  public static BufferedImage apply(BufferedImage rgb, int orientation) {
    if (orientation < 2 || orientation > 8) {
      return rgb;
    }
    int w = rgb.getWidth();
    int h = rgb.getHeight();
    boolean swap = orientation >= 5;
    int ow = swap ? h : w;
    int oh = swap ? w : h;
    int[] src = RgbConversion.pixels(rgb);
    BufferedImage out = RgbConversion.newRgb(ow, oh);
    int[] dst = RgbConversion.pixels(out);
    for (int y = 0; y < oh; y++) {
      for (int x = 0; x < ow; x++) {
        int sx;
        int sy;
        switch (orientation) {
          case 2 -> { sx = w - 1 - x; sy = y; }
          case 3 -> { sx = w - 1 - x; sy = h - 1 - y; }
          case 4 -> { sx = x; sy = h - 1 - y; }
          case 5 -> { sx = y; sy = x; }
          case 6 -> { sx = y; sy = h - 1 - x; }
          case 7 -> { sx = w - 1 - y; sy = h - 1 - x; }
          default -> { sx = w - 1 - y; sy = x; }
        }
        dst[y * ow + x] = src[sy * w + sx];
      }
    }
    return out;
  }
}
