package dev.lanterne.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanterne.LanterneException;
import dev.lanterne.testing.SharedData;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageDecoderTest {
  @TempDir Path dir;

  @Test
  void decodesEverySharedPhoto() throws IOException {
    String[][] photos = {{"astronaut.png", "512", "512"}, {"cat.png", "451", "300"}, {"coffee.png", "600", "400"},
        {"rocket.jpg", "640", "427"}, {"parrot.jpg", "512", "929"}, {"cat-720p.jpg", "1280", "720"},
        {"dragonfly.bmp", "-1", "-1"}, {"sunflower.bmp", "-1", "-1"}, {"grace-hopper.bmp", "-1", "-1"},
        {"hot-dog.jpg", "512", "384"}};
    for (String[] p : photos) {
      BufferedImage image = ImageDecoder.read(SharedData.image(p[0]));
      assertEquals(BufferedImage.TYPE_INT_RGB, image.getType(), p[0]);
      if (!p[1].equals("-1")) {
        assertEquals(Integer.parseInt(p[1]), image.getWidth(), p[0]);
        assertEquals(Integer.parseInt(p[2]), image.getHeight(), p[0]);
      }
    }
  }

  @Test
  void greyIsCopiedToThreeChannelsWithoutGammaConversion() throws IOException {
    BufferedImage grey = new BufferedImage(3, 1, BufferedImage.TYPE_BYTE_GRAY);
    grey.getRaster().setSamples(0, 0, 3, 1, 0, new int[] {0, 100, 255});
    Path file = write(grey, "png", "grey.png");
    assertArrayEquals(new int[] {0x000000, 0x646464, 0xFFFFFF}, pixels(ImageDecoder.read(file)));
  }

  @Test
  void sixteenBitKeepsTheHighByte() throws IOException {
    BufferedImage deep = new BufferedImage(2, 1, BufferedImage.TYPE_USHORT_GRAY);
    deep.getRaster().setSamples(0, 0, 2, 1, 0, new int[] {0x12FF, 0xAB01});
    Path file = write(deep, "png", "deep.png");
    assertArrayEquals(new int[] {0x121212, 0xABABAB}, pixels(ImageDecoder.read(file)));
  }

  @Test
  void alphaIsDroppedNotComposited() throws IOException {
    BufferedImage argb = new BufferedImage(2, 1, BufferedImage.TYPE_INT_ARGB);
    argb.setRGB(0, 0, 0x000A141E); // fully transparent (10, 20, 30)
    argb.setRGB(1, 0, 0x80FF0000); // half transparent red
    Path file = write(argb, "png", "alpha.png");
    assertArrayEquals(new int[] {0x0A141E, 0xFF0000}, pixels(ImageDecoder.read(file)));
  }

  @Test
  void paletteGifBmpAndTiffDecodeExactly() throws IOException {
    byte[] r = {0, (byte) 200, 10, 1};
    byte[] g = {0, 100, (byte) 250, 2};
    byte[] b = {0, 50, 20, 3};
    IndexColorModel palette = new IndexColorModel(2, 4, r, g, b);
    BufferedImage indexed = new BufferedImage(4, 2, BufferedImage.TYPE_BYTE_BINARY, palette);
    WritableRaster raster = indexed.getRaster();
    raster.setSamples(0, 0, 4, 2, 0, new int[] {0, 1, 2, 3, 3, 2, 1, 0});
    int[] expected = {0x000000, 0xC86432, 0x0AFA14, 0x010203, 0x010203, 0x0AFA14, 0xC86432, 0x000000};
    assertArrayEquals(expected, pixels(ImageDecoder.read(write(indexed, "png", "palette.png"))));
    // GIF: 8-bit palette, 16 rows (the JDK writes interlaced GIFs; it garbles interlacing under 5 rows)
    BufferedImage gif = new BufferedImage(4, 16, BufferedImage.TYPE_BYTE_INDEXED, new IndexColorModel(8, 4, r, g, b));
    int[] indices = new int[64];
    int[] colours = new int[64];
    for (int i = 0; i < 64; i++) {
      indices[i] = (i * 7 + i / 4) % 4;
      colours[i] = expected[indices[i]];
    }
    gif.getRaster().setSamples(0, 0, 4, 16, 0, indices);
    assertArrayEquals(colours, pixels(ImageDecoder.read(write(gif, "gif", "palette.gif"))));

    BufferedImage rgb = noise(5, 4, 3);
    assertArrayEquals(pixels(rgb), pixels(ImageDecoder.read(write(rgb, "bmp", "noise.bmp"))));
    assertArrayEquals(pixels(rgb), pixels(ImageDecoder.read(write(rgb, "tiff", "noise.tif"))));
  }

  @Test
  void webpReaderIsInstalled() {
    // TwelveMonkeys reads WebP but cannot write it, so no WebP file is generated here
    assertTrue(ImageIO.getImageReadersByFormatName("webp").hasNext());
  }

  @Test
  void exifOrientationIsApplied() throws IOException {
    // 16x8: left half red, right half blue; orientation 6 means "rotate 90 degrees clockwise to view"
    BufferedImage image = RgbConversion.newRgb(16, 8);
    for (int y = 0; y < 8; y++) {
      for (int x = 0; x < 16; x++) {
        image.setRGB(x, y, x < 8 ? 0xFF0000 : 0x0000FF);
      }
    }
    byte[] jpeg = withExifOrientation(encode(image, "jpeg"), 6, true);
    Path six = dir.resolve("six.jpg");
    Files.write(six, jpeg);
    BufferedImage upright = ImageDecoder.read(six);
    assertEquals(8, upright.getWidth());
    assertEquals(16, upright.getHeight());
    assertTrue(isRed(upright.getRGB(4, 3)), "the left (red) half goes to the top");
    assertTrue(isBlue(upright.getRGB(4, 12)), "the right (blue) half goes to the bottom");

    Path eight = dir.resolve("eight.jpg");
    Files.write(eight, withExifOrientation(encode(image, "jpeg"), 8, false));
    BufferedImage ccw = ImageDecoder.read(eight);
    assertEquals(8, ccw.getWidth());
    assertTrue(isBlue(ccw.getRGB(4, 3)), "orientation 8 (little-endian EXIF) brings the right half to the top");
  }

  @Test
  void everyOrientationMovesPixelsAsTheExifSpecSays() {
    // a b c / d e f, expected layouts written out from the EXIF definitions of tags 1..8
    BufferedImage src = RgbConversion.newRgb(3, 2);
    System.arraycopy(new int[] {'a', 'b', 'c', 'd', 'e', 'f'}, 0, RgbConversion.pixels(src), 0, 6);
    String[] expected = {"", "abcdef", "cbafed", "fedcba", "defabc", "adbecf", "daebfc", "fcebda", "cfbead"};
    for (int o = 1; o <= 8; o++) {
      BufferedImage out = ExifOrientation.apply(src, o);
      StringBuilder s = new StringBuilder();
      for (int p : RgbConversion.pixels(out)) {
        s.append((char) p);
      }
      assertEquals(expected[o], s.toString(), "orientation " + o);
      assertEquals(o >= 5 ? 2 : 3, out.getWidth(), "width for orientation " + o);
    }
  }

  @Test
  void missingFileIsReported() {
    LanterneException e = assertThrows(LanterneException.class, () -> ImageDecoder.read(dir.resolve("nope.jpg")));
    assertOneLine(e, "does not exist");
  }

  @Test
  void emptyFileIsReported() throws IOException {
    Path empty = Files.createFile(dir.resolve("empty.png"));
    assertOneLine(assertThrows(LanterneException.class, () -> ImageDecoder.read(empty)), "empty");
  }

  @Test
  void textNamedJpgIsNotAnImage() throws IOException {
    Path text = Files.writeString(dir.resolve("notes.jpg"), "this is not a picture\n");
    assertOneLine(assertThrows(LanterneException.class, () -> ImageDecoder.read(text)), "not an image");
  }

  @Test
  void truncatedJpegIsDetected() throws IOException {
    byte[] jpeg = encode(noise(256, 256, 7), "jpeg");
    Path cut = Files.write(dir.resolve("cut.jpg"), Arrays.copyOf(jpeg, jpeg.length / 2));
    assertOneLine(assertThrows(LanterneException.class, () -> ImageDecoder.read(cut)), "truncated or corrupt");
  }

  @Test
  void truncatedPngIsDetected() throws IOException {
    byte[] png = encode(noise(256, 256, 8), "png");
    Path cut = Files.write(dir.resolve("cut.png"), Arrays.copyOf(png, png.length / 2));
    assertOneLine(assertThrows(LanterneException.class, () -> ImageDecoder.read(cut)), "truncated or corrupt");
  }

  @Test
  void garbageAfterPngSignatureIsCorrupt() throws IOException {
    byte[] png = encode(noise(64, 64, 9), "png");
    byte[] broken = png.clone();
    for (int i = 40; i < broken.length; i++) {
      broken[i] = (byte) (i * 31);
    }
    Path file = Files.write(dir.resolve("broken.png"), broken);
    assertOneLine(assertThrows(LanterneException.class, () -> ImageDecoder.read(file)), "truncated or corrupt");
  }

  @Test
  void decompressionBombIsRefusedBeforeDecoding() throws IOException {
    Path bomb = Files.write(dir.resolve("bomb.png"), pngHeader(100_000, 100_000));
    LanterneException e = assertThrows(LanterneException.class, () -> ImageDecoder.read(bomb));
    assertOneLine(e, "100000 x 100000");
    assertTrue(e.getMessage().contains("decompression bomb"), e.getMessage());
  }

  @Test
  void imagesUnderTheLimitPassTheSameCheck() throws IOException {
    Path small = write(noise(20, 10, 1), "png", "small.png");
    assertEquals(20, ImageDecoder.read(small, 200).getWidth());
    assertOneLine(assertThrows(LanterneException.class, () -> ImageDecoder.read(small, 199)), "20 x 10");
  }

  /** PNG signature, an IHDR chunk (8-bit RGB) with a correct CRC, an empty IDAT and IEND. */
  private static byte[] pngHeader(int width, int height) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
    ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(width).putInt(height).put((byte) 8).put((byte) 2)
        .put((byte) 0).put((byte) 0).put((byte) 0);
    chunk(out, "IHDR", ihdr.array());
    chunk(out, "IDAT", new byte[] {0x78, (byte) 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01});
    chunk(out, "IEND", new byte[0]);
    return out.toByteArray();
  }

  private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
    byte[] t = type.getBytes(StandardCharsets.US_ASCII);
    CRC32 crc = new CRC32();
    crc.update(t);
    crc.update(data);
    out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
    out.writeBytes(t);
    out.writeBytes(data);
    out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
  }

  /** Inserts an APP1 Exif segment holding only the Orientation tag after the JFIF APP0 segment. */
  static byte[] withExifOrientation(byte[] jpeg, int orientation, boolean bigEndian) {
    ByteBuffer tiff = ByteBuffer.allocate(26)
        .order(bigEndian ? java.nio.ByteOrder.BIG_ENDIAN : java.nio.ByteOrder.LITTLE_ENDIAN);
    tiff.put(bigEndian ? (byte) 'M' : (byte) 'I').put(bigEndian ? (byte) 'M' : (byte) 'I');
    tiff.putShort((short) 42).putInt(8); // header, IFD0 at offset 8
    tiff.putShort((short) 1); // one entry
    tiff.putShort((short) 0x0112).putShort((short) 3).putInt(1).putShort((short) orientation).putShort((short) 0);
    tiff.putInt(0); // no next IFD
    byte[] exif = new byte[6 + 26];
    System.arraycopy("Exif\0\0".getBytes(StandardCharsets.ISO_8859_1), 0, exif, 0, 6);
    System.arraycopy(tiff.array(), 0, exif, 6, 26);
    int app0End = 4 + (((jpeg[4] & 0xFF) << 8) | (jpeg[5] & 0xFF));
    assertEquals((byte) 0xE0, jpeg[3], "the JPEG writer starts with APP0");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(jpeg, 0, app0End);
    int length = exif.length + 2;
    out.writeBytes(new byte[] {(byte) 0xFF, (byte) 0xE1, (byte) (length >> 8), (byte) length});
    out.writeBytes(exif);
    out.write(jpeg, app0End, jpeg.length - app0End);
    return out.toByteArray();
  }

  private static boolean isRed(int p) {
    return ((p >> 16) & 0xFF) > 200 && (p & 0xFF) < 60;
  }

  private static boolean isBlue(int p) {
    return (p & 0xFF) > 200 && ((p >> 16) & 0xFF) < 60;
  }

  private static void assertOneLine(LanterneException e, String fragment) {
    assertTrue(e.getMessage().contains(fragment), e.getMessage());
    assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
  }

  static BufferedImage noise(int w, int h, long seed) {
    Random random = new Random(seed);
    BufferedImage image = RgbConversion.newRgb(w, h);
    int[] px = RgbConversion.pixels(image);
    for (int i = 0; i < px.length; i++) {
      px[i] = random.nextInt(1 << 24);
    }
    return image;
  }

  static byte[] encode(BufferedImage image, String format) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertTrue(ImageIO.write(image, format, out), "no writer for " + format);
    return out.toByteArray();
  }

  private Path write(BufferedImage image, String format, String name) throws IOException {
    return Files.write(dir.resolve(name), encode(image, format));
  }

  private static int[] pixels(BufferedImage image) {
    return RgbConversion.pixels(RgbConversion.toRgb(image)).clone();
  }
}
