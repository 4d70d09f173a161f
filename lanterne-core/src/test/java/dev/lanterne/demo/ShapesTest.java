package dev.lanterne.demo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ShapesTest {
  private static final int SIZE = 64;
  private final Shapes shapes = new Shapes(SIZE);

  @Test
  void sameSeedGivesTheSamePictureAndOtherSeedsDiffer() {
    ShapeSample a = shapes.sample(1234);
    ShapeSample b = new Shapes(SIZE).sample(1234);
    assertEquals(a.kind(), b.kind());
    assertArrayEquals(a.rgb(), b.rgb());
    assertArrayEquals(a.mask(), b.mask());
    assertEquals(a.box(), b.box());
    ShapeSample c = shapes.sample(1235);
    assertFalse(java.util.Arrays.equals(a.rgb(), c.rgb()));
  }

  @Test
  void setsAreReproducibleAndDistinct() {
    List<ShapeSample> set = shapes.samples(7, 5);
    long[] seeds = Shapes.seeds(7, 5);
    for (int i = 0; i < 5; i++) {
      assertArrayEquals(shapes.sample(seeds[i]).rgb(), set.get(i).rgb());
      assertEquals(seeds[i], set.get(i).seed());
    }
    assertNotEquals(Shapes.seeds(8, 1)[0], seeds[0]);
  }

  @Test
  void theObjectChangesExactlyTheMaskedPixelsToOneColour() {
    for (long seed = 0; seed < 300; seed++) {
      ShapeSample with = shapes.render(seed, true);
      ShapeSample without = shapes.render(seed, false);
      assertEquals(with.kind(), without.kind());
      int colour = -1;
      for (int i = 0; i < SIZE * SIZE; i++) {
        boolean changed = with.rgb()[i] != without.rgb()[i];
        assertEquals(with.mask()[i], changed, "seed " + seed + " pixel " + i);
        if (with.mask()[i]) {
          assertTrue(colour == -1 || colour == with.rgb()[i], "object is one solid colour");
          colour = with.rgb()[i];
        }
      }
      assertTrue(with.maskArea() >= 40, "seed " + seed + ": object too small: " + with.maskArea());
    }
  }

  @Test
  void boxIsTheTightBoundOfTheMask() {
    for (long seed = 0; seed < 200; seed++) {
      ShapeSample s = shapes.sample(seed);
      ShapeSample.Box box = s.box();
      boolean[] touches = new boolean[4];
      for (int y = 0; y < SIZE; y++) {
        for (int x = 0; x < SIZE; x++) {
          if (s.mask()[y * SIZE + x]) {
            assertTrue(box.contains(x, y));
            touches[0] |= x == box.x0();
            touches[1] |= y == box.y0();
            touches[2] |= x == box.x1() - 1;
            touches[3] |= y == box.y1() - 1;
          }
        }
      }
      assertArrayEquals(new boolean[] {true, true, true, true}, touches, "seed " + seed);
      // the centre keeps the outer radius inside the picture; only a square's corners reach beyond it
      if (s.kind() != ShapeKind.SQUARE) {
        assertTrue(box.x0() >= 1 && box.y0() >= 1 && box.x1() <= SIZE - 1 && box.y1() <= SIZE - 1,
            "object stays inside the picture");
      }
    }
  }

  @Test
  void masksHaveTheGeometryOfTheirClass() {
    int[] seen = new int[ShapeKind.values().length];
    for (long seed = 0; seed < 600; seed++) {
      ShapeSample s = shapes.sample(seed);
      seen[s.label()]++;
      double fill = s.maskArea() / (double) (s.box().width() * s.box().height());
      String where = s.kind() + " seed " + seed + " fill " + fill;
      switch (s.kind()) {
        case CIRCLE -> assertDisc(s, where);
        case RING -> {
          assertFalse(s.mask()[centreIndex(s)], where + ": a ring has a hole");
          // pi/4 (1 - 0.55^2) = 0.548 of the box
          assertTrue(fill > 0.45 && fill < 0.65, where);
        }
        case SQUARE -> {
          assertLineConvex(s, where);
          // a square rotated by t fills 1 / (1 + sin 2t) of its box
          assertTrue(fill > 0.45, where);
        }
        case TRIANGLE -> {
          assertLineConvex(s, where);
          // a triangle never fills more than half of its bounding box
          assertTrue(fill < 0.58, where);
        }
        case STAR -> assertTrue(fill < 0.45, where);
        case CROSS -> {
          assertTrue(s.mask()[centreIndex(s)], where + ": the arms meet in the middle");
          assertTrue(fill > 0.4 && fill < 0.72, where);
        }
        default -> throw new AssertionError(s.kind());
      }
    }
    for (int count : seen) {
      assertTrue(count > 60, "classes are drawn about equally often: " + java.util.Arrays.toString(seen));
    }
  }

  @Test
  void labelsAreTheClassNamesInIndexOrder() {
    assertEquals(List.of("circle", "square", "triangle", "star", "cross", "ring"), ShapeKind.labels());
    ShapeSample s = shapes.sample(3);
    assertEquals(s.kind().ordinal(), s.label());
  }

  @Test
  void imageAndTensorCarryThePixels() {
    ShapeSample s = shapes.sample(99);
    java.awt.image.BufferedImage img = s.image();
    float[] chw = s.toChw01();
    int x = 17;
    int y = 40;
    int p = img.getRGB(x, y) & 0xFFFFFF;
    assertEquals(s.rgb()[y * SIZE + x], p);
    assertEquals(((p >> 8) & 0xFF) / 255f, chw[SIZE * SIZE + y * SIZE + x], 0);
  }

  /** Every pixel well inside the radius implied by the area is set, and none well outside it. */
  private static void assertDisc(ShapeSample s, String where) {
    double cx = 0;
    double cy = 0;
    int n = s.maskArea();
    for (int i = 0; i < s.mask().length; i++) {
      if (s.mask()[i]) {
        cx += i % s.size() + 0.5;
        cy += i / s.size() + 0.5;
      }
    }
    cx /= n;
    cy /= n;
    double r = Math.sqrt(n / Math.PI);
    for (int i = 0; i < s.mask().length; i++) {
      double d = Math.hypot(i % s.size() + 0.5 - cx, i / s.size() + 0.5 - cy);
      if (d < r - 1) {
        assertTrue(s.mask()[i], where);
      } else if (d > r + 1) {
        assertFalse(s.mask()[i], where);
      }
    }
  }

  /** Convex shapes meet every row and column in one run of pixels. */
  private static void assertLineConvex(ShapeSample s, String where) {
    int size = s.size();
    for (int k = 0; k < size; k++) {
      int rowRuns = 0;
      int colRuns = 0;
      for (int j = 0; j < size; j++) {
        boolean row = s.mask()[k * size + j];
        boolean col = s.mask()[j * size + k];
        if (row && (j == 0 || !s.mask()[k * size + j - 1])) {
          rowRuns++;
        }
        if (col && (j == 0 || !s.mask()[(j - 1) * size + k])) {
          colRuns++;
        }
      }
      assertTrue(rowRuns <= 1 && colRuns <= 1, where + ": line " + k);
    }
  }

  private static int centreIndex(ShapeSample s) {
    ShapeSample.Box b = s.box();
    return (b.y0() + b.y1()) / 2 * s.size() + (b.x0() + b.x1()) / 2;
  }
}
