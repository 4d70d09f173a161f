package dev.lanterne.explain.surrogate;

import dev.lanterne.explain.Images;
import dev.lanterne.explain.LanternModel;
import dev.lanterne.model.Labels;
import dev.lanterne.testing.TinyModels;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A two-class linear ONNX model on 32x32 images (inception preprocessing: normalised = 2 p - 1, so
 * the gray fill is exactly 0) whose class-0 logit is {@code weight} x the sum of the normalised
 * values over one known 8x8 block (all channels); class 1 is the constant 1. The test image is a
 * 4x4 grid of flat 8x8 blocks of distinct colours, so SLIC with 16 segments must find the blocks.
 */
final class BlockModel {
  static final int SIZE = 32;
  static final int CELL = 8;
  static final int PLANE = SIZE * SIZE;

  private BlockModel() {}

  /** Class-0 weights [2, 3*32*32] reading pixels (y, x) with y in [y0, y0+8), x in [x0, x0+8). */
  static float[] weights(int y0, int x0, float weight) {
    float[] w = new float[2 * 3 * PLANE];
    for (int c = 0; c < 3; c++) {
      for (int y = y0; y < y0 + CELL; y++) {
        for (int x = x0; x < x0 + CELL; x++) {
          w[c * PLANE + y * SIZE + x] = weight;
        }
      }
    }
    return w;
  }

  static LanternModel open(Path dir, int y0, int x0, float weight) {
    Path file = dir.resolve("block-" + y0 + "-" + x0 + ".onnx");
    try {
      Files.write(file, TinyModels.linear(SIZE, SIZE, 2, weights(y0, x0, weight), new float[] {0, 1}).toByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return LanternModel.builder(file).preset("inception").labels(Labels.of(List.of("block", "constant")))
        .cache(null).open();
  }

  /** The 4x4 grid of flat blocks in distinct colours, as pixels [3,32,32] in [0,1]. */
  static float[] blockPixels() {
    float[] p = new float[3 * PLANE];
    for (int y = 0; y < SIZE; y++) {
      for (int x = 0; x < SIZE; x++) {
        int b = (y / CELL) * 4 + x / CELL;
        // 16 colours: r, g, b levels spread so neighbours differ strongly in CIELAB
        float r = ((b * 5) % 16) / 15f;
        float g = ((b * 11 + 3) % 16) / 15f;
        float bl = (b % 2 == 0 ? b : 15 - b) / 15f;
        p[y * SIZE + x] = r;
        p[PLANE + y * SIZE + x] = g;
        p[2 * PLANE + y * SIZE + x] = bl;
      }
    }
    return p;
  }

  static float[] normalise(float[] pixels) {
    float[] x = new float[pixels.length];
    for (int i = 0; i < x.length; i++) {
      x[i] = 2 * pixels[i] - 1;
    }
    return x;
  }

  static Images images(LanternModel model, float[] pixels) {
    return model.tensors(normalise(pixels), 1, List.of("blocks"));
  }
}
