package dev.lanterne.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lanterne.LanterneException;
import java.util.List;
import org.junit.jupiter.api.Test;

class PointingGameTest {
  private static final int H = 20;
  private static final int W = 30;

  /** A bump with its maximum at (x, y) = (10, 8). */
  private static float[] map() {
    float[] m = new float[H * W];
    for (int y = 0; y < H; y++) {
      for (int x = 0; x < W; x++) {
        m[y * W + x] = (float) -((x - 10) * (x - 10) + (y - 8) * (y - 8));
      }
    }
    return m;
  }

  @Test
  void maximumInsideTheBoxHits() {
    PointingGame.Point p = new PointingGame(0).play(map(), H, W, List.of(new Box(5, 5, 11, 9)));
    assertEquals(10, p.x());
    assertEquals(8, p.y());
    assertTrue(p.hit());
  }

  @Test
  void boxesAreHalfOpenInPixels() {
    // pixel 10 lies in [x0, x1) = [5, 11) but not in [5, 10); rows likewise
    assertFalse(new PointingGame(0).play(map(), H, W, List.of(new Box(5, 5, 10, 9))).hit());
    assertFalse(new PointingGame(0).play(map(), H, W, List.of(new Box(5, 5, 11, 8))).hit());
    assertTrue(new PointingGame(0).play(map(), H, W, List.of(new Box(0, 0, 1, 1), new Box(10, 8, 11, 9))).hit());
  }

  @Test
  void toleranceIsAStrictDisc() {
    // nearest box pixel (12, 10) is at squared distance 2^2 + 2^2 = 8 from the maximum (10, 8)
    List<Box> box = List.of(new Box(12, 10, 16, 14));
    assertFalse(new PointingGame(0).play(map(), H, W, box).hit());
    assertFalse(new PointingGame(2).play(map(), H, W, box).hit());
    assertTrue(new PointingGame(3).play(map(), H, W, box).hit());
    // exactly at distance 3 along a row: 9 < 9 is false, so tolerance 3 misses and 4 hits
    List<Box> right = List.of(new Box(13, 8, 14, 9));
    assertFalse(new PointingGame(3).play(map(), H, W, right).hit());
    assertTrue(new PointingGame(4).play(map(), H, W, right).hit());
  }

  @Test
  void tallyCountsHits() {
    PointingGame.Tally t = PointingGame.Tally.EMPTY.add(true).add(false).add(true);
    assertEquals(2, t.hits());
    assertEquals(3, t.total());
    assertEquals(2 / 3.0, t.accuracy(), 1e-12);
  }

  @Test
  void annotationsParseAndMatchOnFileName() throws Exception {
    String json = "[{\"image\": \"photos/cat.png\", \"class\": 285, \"boxes\": [[1, 2, 30.5, 40]]},"
        + " {\"image\": \"cat.png\", \"class\": 285, \"boxes\": [[50, 60, 70, 80]]},"
        + " {\"image\": \"dog.png\", \"class\": 208, \"boxes\": []}]";
    BoxAnnotations a = BoxAnnotations.parse(new ObjectMapper().readTree(json), "boxes.json");
    List<Box> cat = a.boxes("/tmp/x/cat.png", 285).orElseThrow();
    assertEquals(List.of(new Box(1, 2, 30.5, 40), new Box(50, 60, 70, 80)), cat);
    assertTrue(a.boxes("cat.png", 282).isEmpty());
    assertTrue(a.boxes("dog.png", 208).orElseThrow().isEmpty());
  }

  @Test
  void badAnnotationsSayWhatIsWrong() throws Exception {
    ObjectMapper m = new ObjectMapper();
    LanterneException e = assertThrows(LanterneException.class,
        () -> BoxAnnotations.parse(m.readTree("[{\"image\": \"a.png\", \"class\": 1, \"boxes\": [[1, 2, 3]]}]"), "b.json"));
    assertTrue(e.getMessage().contains("b.json entry 0"), e.getMessage());
    assertThrows(LanterneException.class,
        () -> BoxAnnotations.parse(m.readTree("[{\"image\": \"a.png\", \"class\": 1, \"boxes\": [[5, 2, 3, 4]]}]"), "b"));
    assertThrows(LanterneException.class, () -> BoxAnnotations.parse(m.readTree("{}"), "b"));
  }
}
