package dev.lanterne.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanterne.model.ModelCard;
import dev.lanterne.tensor.Npy;
import dev.lanterne.tensor.Tensor;
import dev.lanterne.testing.SharedData;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class PreprocessorTest {
  private static final double TOLERANCE = 0.02;

  /** Every torchvision reference tensor in ../shared/refs against Lanterne's preprocessing of the same photo. */
  @Test
  void torchvisionPresetMatchesPyTorchReferences() throws IOException {
    Path refs = SharedData.ref("");
    List<Path> files;
    try (Stream<Path> s = Files.list(refs)) {
      files = s.filter(p -> p.getFileName().toString().matches("pre_.*\\.npy")).sorted().toList();
    }
    assertTrue(files.size() >= 10, "expected the pre_*.npy references, found " + files.size());
    Preprocessor pre = Preprocessor.forCard(ModelCard.torchvision(224, 224));
    double worst = 0;
    List<String> failures = new java.util.ArrayList<>();
    for (Path ref : files) {
      String stem = ref.getFileName().toString().replaceFirst("^pre_", "").replaceFirst("\\.npy$", "");
      Path image = findImage(stem);
      Tensor expected = Npy.read(ref);
      assertArrayEquals(new int[] {3, 224, 224}, expected.shape());
      float[] actual = pre.prepare(image).tensor();
      double max = 0;
      int off = 0;
      for (int i = 0; i < actual.length; i++) {
        double d = Math.abs(actual[i] - expected.data()[i]);
        if (d > max) {
          max = d;
        }
        if (d > 1e-4) {
          off++;
        }
      }
      System.out.printf(Locale.ROOT, "preprocess %-18s max abs error %.5f, %d of %d values differ%n",
          image.getFileName(), max, off, actual.length);
      worst = Math.max(worst, max);
      if (max > TOLERANCE) {
        failures.add(image.getFileName() + " (" + max + ")");
      }
    }
    System.out.printf(Locale.ROOT, "preprocess worst max abs error %.5f%n", worst);
    assertTrue(failures.isEmpty(), "max abs error above " + TOLERANCE + ": " + failures);
  }

  private static Path findImage(String stem) throws IOException {
    try (Stream<Path> s = Files.list(SharedData.image(""))) {
      return s.filter(p -> p.getFileName().toString().startsWith(stem + ".")).findFirst()
          .orElseThrow(() -> new AssertionError("no image for reference " + stem));
    }
  }

  @Test
  void resizedSizeTruncatesTheLongSideAsTorchvision() {
    // int(256 * 640 / 427) = int(383.7) = 383; int(256 * 929 / 512) = int(464.5) = 464
    assertArrayEquals(new int[] {383, 256}, Preprocessor.resizedSize(640, 427, 256));
    assertArrayEquals(new int[] {256, 464}, Preprocessor.resizedSize(512, 929, 256));
    assertArrayEquals(new int[] {256, 256}, Preprocessor.resizedSize(300, 300, 256));
  }

  @Test
  void centerCropRoundsHalfToEven() {
    // Python's round: (383 - 224) / 2 = 79.5 -> 80, (385 - 224) / 2 = 80.5 -> 80, (387 - 224) / 2 = 81.5 -> 82
    int[][] cases = {{383, 80}, {385, 80}, {387, 82}, {224, 0}};
    for (int[] c : cases) {
      BufferedImage image = RgbConversion.newRgb(c[0], 230);
      int[] px = RgbConversion.pixels(image);
      for (int i = 0; i < px.length; i++) {
        px[i] = i % c[0]; // the x coordinate
      }
      BufferedImage crop = Preprocessor.centerCrop(image, 224, 224);
      assertEquals(c[1], RgbConversion.pixels(crop)[0], "left offset for width " + c[0]);
      assertEquals(224, crop.getWidth());
    }
  }

  @Test
  void centerCropPadsSmallImagesWithBlack() {
    BufferedImage image = RgbConversion.newRgb(2, 2);
    java.util.Arrays.fill(RgbConversion.pixels(image), 0xFFFFFF);
    int[] crop = RgbConversion.pixels(Preprocessor.centerCrop(image, 5, 4));
    // torchvision pads (5 - 2) // 2 = 1 column left and (4 - 2) // 2 = 1 row on top
    assertEquals(0, crop[0]);
    assertEquals(0xFFFFFF, crop[1 * 5 + 1]);
    assertEquals(0xFFFFFF, crop[2 * 5 + 2]);
    assertEquals(0, crop[3 * 5 + 3]);
  }

  @Test
  void inceptionPresetCropsSeventhEighthsOfTheShorterSideThenResizes() {
    BufferedImage image = ImageDecoderTest.noise(800, 600, 5);
    Preprocessor pre = Preprocessor.forCard(ModelCard.inception(224, 224));
    // 0.875 * 600 = 525: box (137.5, 37.5, 662.5, 562.5)
    BufferedImage expected = PilResize.resize(image, 224, 224, 137.5f, 37.5f, 662.5f, 562.5f);
    assertArrayEquals(RgbConversion.pixels(expected), RgbConversion.pixels(pre.prepare(image).shown()));
  }

  @Test
  void inceptionScalesToMinusOneOne() {
    BufferedImage image = RgbConversion.newRgb(224, 224);
    RgbConversion.pixels(image)[0] = 0xFFFFFF;
    float[] x = Preprocessor.forCard(ModelCard.inception(224, 224)).normalize(image);
    assertEquals(1f, x[0]);
    assertEquals(-1f, x[1]);
    assertEquals(1f, x[224 * 224]);
  }

  @Test
  void toImageInvertsNormalize() {
    BufferedImage image = ImageDecoderTest.noise(224, 224, 11);
    Preprocessor pre = Preprocessor.forCard(ModelCard.torchvision(224, 224));
    assertArrayEquals(RgbConversion.pixels(image), RgbConversion.pixels(pre.toImage(pre.normalize(image))));
    float[] out = new float[3 * 224 * 224];
    java.util.Arrays.fill(out, 100f);
    assertEquals(0xFFFFFF, RgbConversion.pixels(pre.toImage(out))[0], "clipped to 255");
  }

  /** A benchmark, not a check: prints the time to decode and prepare a 1280x720 photo. */
  @Test
  void printsPreparationTime() {
    Path photo = SharedData.image("cat-720p.jpg");
    Preprocessor pre = Preprocessor.forCard(ModelCard.torchvision(224, 224));
    BufferedImage decoded = ImageDecoder.read(photo);
    for (int i = 0; i < 5; i++) {
      pre.prepare(decoded);
    }
    int runs = 20;
    long t0 = System.nanoTime();
    for (int i = 0; i < runs; i++) {
      ImageDecoder.read(photo);
    }
    long t1 = System.nanoTime();
    for (int i = 0; i < runs; i++) {
      pre.prepare(decoded);
    }
    long t2 = System.nanoTime();
    System.out.printf(Locale.ROOT, "benchmark cat-720p.jpg (1280x720): decode %.1f ms, resize+crop+normalise %.1f ms%n",
        (t1 - t0) / 1e6 / runs, (t2 - t1) / 1e6 / runs);
  }
}
