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
}
