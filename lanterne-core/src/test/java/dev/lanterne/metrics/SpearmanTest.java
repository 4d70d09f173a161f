package dev.lanterne.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SpearmanTest {
  @Test
  void tiesGetTheirAverageRank() {
    assertArrayEquals(new double[] {1, 2.5, 2.5, 4}, Ranking.averageRanks(new float[] {1, 2, 2, 3}), 0);
    assertArrayEquals(new double[] {3, 1, 3, 3}, Ranking.averageRanks(new float[] {5, -1, 5, 5}), 0);
  }

  @Test
  void handComputedWithTies() {
    // ranks [1, 2.5, 2.5, 4] and [1, 3, 2, 4]: deviations [-1.5, 0, 0, 1.5] and [-1.5, .5, -.5, 1.5],
    // sum of products 4.5, squares 4.5 and 5: rho = 4.5 / sqrt(22.5) = 3 / sqrt(10)
    assertEquals(3 / Math.sqrt(10), Spearman.correlation(new float[] {1, 2, 2, 3}, new float[] {1, 3, 2, 4}), 1e-12);
  }

  @Test
  void matchesScipy() {
    // scipy.stats.spearmanr([0,0,1,5,-2,3.5,3.5,0], [2,2,2,1,0,7,-1,3]).statistic
    assertEquals(-0.03773659540699708, Spearman.correlation(new float[] {0, 0, 1, 5, -2, 3.5f, 3.5f, 0},
        new float[] {2, 2, 2, 1, 0, 7, -1, 3}), 1e-12);
  }

  @Test
  void monotoneMapsCorrelatePerfectly() {
    float[] a = {0.1f, 5, -3, 2};
    assertEquals(1, Spearman.correlation(a, new float[] {1, 100, -100, 7}), 1e-12);
    assertEquals(-1, Spearman.correlation(a, new float[] {-1, -100, 100, -7}), 1e-12);
    // a sign flip keeps the absolute correlation
    assertEquals(1, Spearman.absoluteCorrelation(a, new float[] {-0.1f, -5, 3, -2}), 1e-12);
  }

  @Test
  void constantMapHasNoCorrelation() {
    assertTrue(Double.isNaN(Spearman.correlation(new float[] {1, 1, 1}, new float[] {1, 2, 3})));
  }
}
