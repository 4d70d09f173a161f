package dev.lanterne.image;

import dev.lanterne.LanterneException;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.event.IIOReadWarningListener;
import javax.imageio.stream.ImageInputStream;

/**
 * Reads an image file into 8-bit sRGB ({@link BufferedImage#TYPE_INT_RGB}) the way PIL's
 * {@code Image.open(f).convert("RGB")} sees it, plus EXIF orientation for JPEG. Refuses images that
 * declare more pixels than {@link #MAX_PIXELS} before decoding a single one.
 */
public final class ImageDecoder {
  /** PIL's decompression-bomb error threshold (twice MAX_IMAGE_PIXELS). */
  public static final long MAX_PIXELS = 178_956_970L;

  private static final String FORMATS = "PNG, JPEG, BMP, GIF, WebP or TIFF";

  static {
    ImageIO.setUseCache(false);
  }

  private ImageDecoder() {}

  /** Decodes, converts to RGB and applies EXIF orientation, with the default pixel limit. */
  public static BufferedImage read(Path file) {
    return read(file, MAX_PIXELS);
  }

  /** As {@link #read(Path)} with another pixel limit. */
  public static BufferedImage read(Path file, long maxPixels) {
    checkFile(file);
    BufferedImage decoded;
    String format;
    try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
      if (in == null) {
        throw new LanterneException("cannot open image " + file + "; check that it is a readable file");
      }
      ImageReader reader = readerFor(in, file);
      try {
        format = reader.getFormatName().toLowerCase(Locale.ROOT);
        decoded = decode(reader, in, file, maxPixels);
      } finally {
        reader.dispose();
      }
    } catch (IOException e) {
      throw new LanterneException("cannot read image " + file + " (" + e.getMessage() + "); check the file", e);
    }
    BufferedImage rgb = RgbConversion.toRgb(decoded);
    if (format.equals("jpeg") || format.equals("jpg")) {
      rgb = ExifOrientation.apply(rgb, ExifOrientation.ofJpeg(file));
    }
    return rgb;
  }

  private static void checkFile(Path file) {
    if (!Files.exists(file)) {
      throw new LanterneException("image " + file + " does not exist; check the path");
    }
    if (Files.isDirectory(file)) {
      throw new LanterneException("image " + file + " is a folder, not an image file; pass a " + FORMATS + " file");
    }
    try {
      if (Files.size(file) == 0) {
        throw new LanterneException("image " + file + " is empty (0 bytes); re-export it as PNG or JPEG");
      }
    } catch (IOException e) {
      throw new LanterneException("cannot read image " + file + " (" + e.getMessage() + "); check its permissions", e);
    }
    if (!Files.isReadable(file)) {
      throw new LanterneException("image " + file + " is not readable; check its permissions");
    }
  }

  private static ImageReader readerFor(ImageInputStream in, Path file) {
    Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
    if (!readers.hasNext()) {
      throw new LanterneException(
          file + " is not an image Lanterne can read (expected " + FORMATS + "); convert it to PNG or JPEG");
    }
    return readers.next();
  }

  private static BufferedImage decode(ImageReader reader, ImageInputStream in, Path file, long maxPixels) {
    List<String> truncation = new ArrayList<>();
    reader.addIIOReadWarningListener(truncationListener(truncation));
    try {
      reader.setInput(in, true, true);
      int width = reader.getWidth(0);
      int height = reader.getHeight(0);
      long pixels = (long) width * height;
      if (width <= 0 || height <= 0) {
        throw corrupt(file, null);
      }
      if (pixels > maxPixels) {
        throw new LanterneException(String.format(Locale.ROOT,
            "image %s declares %d x %d = %d pixels, more than the limit of %d (a decompression bomb?);"
                + " downscale it before explaining it", file, width, height, pixels, maxPixels));
      }
      BufferedImage image = reader.read(0, rawColourParam(reader));
      if (!truncation.isEmpty()) {
        throw corrupt(file, new IOException(truncation.get(0)));
      }
      return image;
    } catch (LanterneException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      // Broken files surface as IIOException/EOFException, or as runtime errors from deep inside a codec.
      throw corrupt(file, e);
    }
  }

  /**
   * Asks for the pixels in the file's own RGB colour space when it embeds a profile (Adobe RGB, say):
   * readers would otherwise convert them to sRGB, while PIL, and so the models' training pipelines,
   * ignore the profile and use the stored values.
   */
  private static ImageReadParam rawColourParam(ImageReader reader) throws IOException {
    ImageReadParam param = reader.getDefaultReadParam();
    Iterator<ImageTypeSpecifier> types = reader.getImageTypes(0);
    while (types != null && types.hasNext()) {
      ImageTypeSpecifier type = types.next();
      ColorSpace cs = type.getColorModel().getColorSpace();
      if (cs.getType() == ColorSpace.TYPE_RGB && !cs.isCS_sRGB() && type.getNumBands() == 3) {
        param.setDestinationType(type);
        break;
      }
    }
    return param;
  }

  /** Codecs that hit the end of data early report it as a warning and return a half-grey picture. */
  private static IIOReadWarningListener truncationListener(List<String> truncation) {
    return (source, warning) -> {
      String w = warning == null ? "" : warning.toLowerCase(Locale.ROOT);
      if (w.contains("premature end") || w.contains("truncat") || w.contains("end of file")
          || w.contains("end of stream") || w.contains("eof")) {
        truncation.add(warning);
      }
    };
  }

  private static LanterneException corrupt(Path file, Throwable cause) {
    return new LanterneException("image " + file + " is truncated or corrupt; re-export it as PNG or JPEG", cause);
  }
}
