package dev.lanterne.explain.perturbation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanterne.explain.Explanation;
import dev.lanterne.runtime.RuntimeOptions;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class OcclusionTest {
  private static final int H = RegionModel.H;
  private static final int W = RegionModel.W;
  private static BlackBox model;

  @BeforeAll
  static void open() {
    model = RegionModel.open(RuntimeOptions.DEFAULT.withThreads(1));
  }

  @AfterAll
  static void close() {
    model.classifier().close();
  }

  @Test
  void windowStartsCoverTheFarEdge() {
    assertArrayEquals(new int[] {0, 5, 10, 12}, OcclusionMasks.positions(16, 4, 5));
    assertArrayEquals(new int[] {0, 4, 8, 12}, OcclusionMasks.positions(16, 4, 4));
  }

  /** Each pixel gets the mean drop of the logit over the gray windows covering it, by hand. */
  @Test
  void mapIsMeanScoreDropOverCoveringWindows() {
    float[] x = RegionModel.image(8);
    OcclusionOptions o = OcclusionOptions.DEFAULTS.withWindow(5, 4).withBatch(5).withScore(ScoreKind.LOGIT);
    List<Explanation> ex = new Occlusion(o).explain(model, x, new int[] {0, 1});
    // H = 20 rows and W = 16 columns, windows of 5 every 4 pixels, the last one flush with the edge
    int[] rowStarts = {0, 4, 8, 12, 15};
    int[] colStarts = {0, 4, 8, 11};
    double[] base = RegionModel.scores(x);
    for (int k = 0; k < 2; k++) {
      double[] sum = new double[H * W];
      int[] n = new int[H * W];
      for (int y0 : rowStarts) {
        for (int x0 : colStarts) {
          float[] occluded = x.clone();
          for (int c = 0; c < 3; c++) {
            for (int y = y0; y < y0 + 5; y++) {
              for (int xx = x0; xx < x0 + 5; xx++) {
                occluded[(c * H + y) * W + xx] = 0.5f;
              }
            }
          }
          double drop = base[k] - RegionModel.scores(occluded)[k];
          for (int y = y0; y < y0 + 5; y++) {
            for (int xx = x0; xx < x0 + 5; xx++) {
              sum[y * W + xx] += drop;
              n[y * W + xx]++;
            }
          }
        }
      }
      float[] got = ex.get(k).map().data();
      for (int u = 0; u < H * W; u++) {
        assertTrue(n[u] > 0, "the flush last window leaves no pixel uncovered");
        assertEquals(sum[u] / n[u], got[u], 1e-5, "class " + k + " pixel " + u);
      }
      assertEquals(20L, ex.get(k).details().get("windows"));
    }
  }
}
