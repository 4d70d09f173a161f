package dev.lanterne.explain.perturbation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanterne.explain.Explanation;
import dev.lanterne.runtime.RuntimeOptions;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** RISE on {@link RegionModel}, whose scores are the mean brightness of known rectangles. */
class RiseTest {
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
  void mapOfEachClassPeaksOnItsRegion() {
    RiseOptions o = RiseOptions.DEFAULTS.withMasks(1500).withGrid(4).withSeed(3);
    List<Explanation> ex = new Rise(o).explain(model, RegionModel.image(1), new int[] {0, 1});
    for (int k = 0; k < 2; k++) {
      float[] m = ex.get(k).map().data();
      assertEquals(k, ex.get(k).classIndex());
      int arg = argmax(m);
      assertTrue(RegionModel.inRegion(k, arg / W, arg % W), "class " + k + " peaks at " + arg / W + "," + arg % W);
      double in = 0;
      double out = 0;
      int nIn = 0;
      for (int u = 0; u < H * W; u++) {
        if (RegionModel.inRegion(k, u / W, u % W)) {
          in += m[u];
          nIn++;
        } else {
          out += m[u];
        }
      }
      in /= nIn;
      out /= H * W - nIn;
      // with two classes a softmax mass moves between them: class 0's map is high on R0, low on R1
      double spread = max(m) - min(m);
      assertTrue(in - out > 0.3 * spread, "class " + k + ": inside " + in + " outside " + out);
    }
  }

  /**
   * Every mask family, on a model that reads one known region per class, puts its map's peak in
   * that region and its inside mean well above its outside mean.
   */
  @Test
  void everyMaskFamilyPeaksOnTheRegionTheModelReads() {
    for (MaskType t : new MaskType[] {MaskType.BINARY, MaskType.GRID, MaskType.NOISE,
        MaskType.VERTICAL_STRIPES, MaskType.HORIZONTAL_STRIPES}) {
      RiseOptions o = RiseOptions.DEFAULTS.withMasks(2000).withGrid(4).withSeed(7).withMaskType(t)
          .withScore(ScoreKind.LOGIT);
      float[] m = new Rise(o).explain(model, RegionModel.image(1), new int[] {0}).get(0).map().data();
      double[] io = insideOutside(m, 0);
      if (t == MaskType.VERTICAL_STRIPES || t == MaskType.HORIZONTAL_STRIPES) {
        // stripes only locate one coordinate: the peak is in the region's columns (rows)
        int arg = argmax(m);
        int[] r = RegionModel.REGIONS[0];
        boolean inBand = t == MaskType.VERTICAL_STRIPES ? arg % W >= r[1] && arg % W < r[1] + r[3]
            : arg / W >= r[0] && arg / W < r[0] + r[2];
        assertTrue(inBand, t + " peaks at " + arg / W + "," + arg % W);
      } else {
        int arg = argmax(m);
        assertTrue(RegionModel.inRegion(0, arg / W, arg % W), t + " peaks at " + arg / W + "," + arg % W);
      }
      assertTrue(io[0] - io[1] > 0.25 * (max(m) - min(m)), t + ": inside " + io[0] + " outside " + io[1]);
    }
  }

  /** The per-pixel noise family is documented as noise: its map does not single out the region. */
  @Test
  void perPixelNoiseMapIsWeakerThanGridNoise() {
    RiseOptions o = RiseOptions.DEFAULTS.withMasks(2000).withGrid(4).withSeed(7).withScore(ScoreKind.LOGIT);
    float[] grid = new Rise(o.withMaskType(MaskType.NOISE)).explain(model, RegionModel.image(1), new int[] {0})
        .get(0).map().data();
    float[] pixel = new Rise(o.withMaskType(MaskType.PIXEL_NOISE)).explain(model, RegionModel.image(1),
        new int[] {0}).get(0).map().data();
    double[] g = insideOutside(grid, 0);
    double[] px = insideOutside(pixel, 0);
    // contrast relative to the map's spread: the grid-scale map is dominated by the region
    assertTrue((g[0] - g[1]) / (max(grid) - min(grid)) > 2 * (px[0] - px[1]) / (max(pixel) - min(pixel)),
        "grid " + java.util.Arrays.toString(g) + " pixel " + java.util.Arrays.toString(px));
  }

  private static double[] insideOutside(float[] m, int k) {
    double in = 0;
    double out = 0;
    int nIn = 0;
    for (int u = 0; u < H * W; u++) {
      if (RegionModel.inRegion(k, u / W, u % W)) {
        in += m[u];
        nIn++;
      } else {
        out += m[u];
      }
    }
    return new double[] {in / nIn, out / (H * W - nIn)};
  }

  /**
   * For a linear score S = sum_v w(v) x(v) M(v), E[S M(u)] / p has a closed form: E[M(u) M(v)] =
   * p^2 + p (1-p) Ky(u,v) Kx(u,v), where K averages over shifts the overlap of the bilinear weights
   * of u and v on the grid cells (the cells are independent Bernoulli(p)).
   */
  @Test
  void logitMapMatchesClosedFormExpectation() {
    int s = 4;
    double p = 0.5;
    float[] x = RegionModel.image(2);
    RiseOptions o = RiseOptions.DEFAULTS.withMasks(6000).withGrid(s).withP(p).withScore(ScoreKind.LOGIT).withSeed(11)
        .withBatch(64);
    float[] map = new Rise(o).explain(model, x, new int[] {0}).get(0).map().data();

    double[][] ky = overlap(H, s);
    double[][] kx = overlap(W, s);
    float[] w = RegionModel.weights();
    double[] wx = new double[H * W];
    for (int c = 0; c < 3; c++) {
      for (int v = 0; v < H * W; v++) {
        wx[v] += (double) w[c * H * W + v] * x[c * H * W + v];
      }
    }
    double[] expected = new double[H * W];
    for (int u = 0; u < H * W; u++) {
      double e = 0;
      for (int v = 0; v < H * W; v++) {
        e += wx[v] * (p * p + p * (1 - p) * ky[u / W][v / W] * kx[u % W][v % W]);
      }
      expected[u] = e / p;
    }
    double[] got = new double[H * W];
    for (int u = 0; u < H * W; u++) {
      got[u] = map[u];
    }
    double meanGot = mean(got);
    double meanExp = mean(expected);
    assertEquals(meanExp, meanGot, 0.02 * meanExp, "overall level");
    double err = 0;
    double norm = 0;
    for (int u = 0; u < H * W; u++) {
      double d = (got[u] - meanGot) - (expected[u] - meanExp);
      err += d * d;
      norm += (expected[u] - meanExp) * (expected[u] - meanExp);
    }
    double rel = Math.sqrt(err / norm);
    assertTrue(rel < 0.15, "relative L2 error of the centred map " + rel);
  }

  /** Average over shifts of sum_r a_r(i) a_r(j), a = bilinear weights on the s cells of one axis. */
  private static double[][] overlap(int size, int s) {
    int cell = (size + s - 1) / s;
    double[][] k = new double[size][size];
    for (int shift = 0; shift < cell; shift++) {
      double[][] a = new double[size][];
      for (int i = 0; i < size; i++) {
        a[i] = cellWeights(i, shift, s, cell);
      }
      for (int i = 0; i < size; i++) {
        for (int j = 0; j < size; j++) {
          double dot = 0;
          for (int r = 0; r < s; r++) {
            dot += a[i][r] * a[j][r];
          }
          k[i][j] += dot / cell;
        }
      }
    }
    return k;
  }

  /** Bilinear weights of output pixel i on the s cells: pixel-centre mapping, edges mirrored. */
  static double[] cellWeights(int i, int shift, int s, int cell) {
    double src = (i + shift + 0.5) * s / ((s + 1.0) * cell) - 0.5;
    int lo = (int) Math.floor(src);
    double t = src - lo;
    double[] a = new double[s];
    a[reflect(lo, s)] += 1 - t;
    a[reflect(lo + 1, s)] += t;
    return a;
  }

  private static int reflect(int i, int s) {
    while (i < 0 || i >= s) {
      i = i < 0 ? -i : 2 * (s - 1) - i;
    }
    return i;
  }

  /** With the same masks, the map is exactly sum_i S_i M_i / (N p), S_i computed by hand. */
  @Test
  void mapEqualsHandAccumulationWithMeanFillAndProbabilities() {
    RiseOptions o = RiseOptions.DEFAULTS.withMasks(90).withGrid(5).withP(0.4).withFill(Fill.MEAN).withBatch(7)
        .withSeed(5);
    float[] x = RegionModel.image(3);
    List<Explanation> ex = new Rise(o).explain(model, x, new int[] {1, 0});
    double[][] expected = handAccumulation(new BinaryGridMasks(H, W, 5, 0.4), 0.4, 90, 5, x);
    assertEquals(1, ex.get(0).classIndex());
    assertEquals(0, ex.get(1).classIndex());
    assertClose(expected[1], ex.get(0).map().data(), 1e-5);
    assertClose(expected[0], ex.get(1).map().data(), 1e-5);
    double[] s = RegionModel.scores(x);
    assertEquals(s[1], ex.get(0).score(), 1e-5);
    assertEquals(Math.exp(s[1]) / (Math.exp(s[0]) + Math.exp(s[1])), ex.get(0).probability(), 1e-5);
    assertEquals(90L, ex.get(0).details().get("masks"));
  }

  /**
   * Every mask family, those whose sums are kept over lines (binary, grid, stripes, noise) and the one
   * kept over whole masks (pixel noise), gives the hand-accumulated map of its whole masks.
   */
  @Test
  void everyMaskFamilyGivesTheHandAccumulatedMap() {
    float[] x = RegionModel.image(7);
    for (MaskType t : MaskType.values()) {
      RiseOptions o = RiseOptions.DEFAULTS.withMasks(60).withGrid(3).withP(0.5).withFill(Fill.MEAN).withBatch(8)
          .withSeed(11).withMaskType(t);
      MaskGenerator g = t.create(H, W, 3, 0.5);
      List<Explanation> ex = new Rise(o).explain(model, x, new int[] {0, 1});
      double[][] expected = handAccumulation(g, g.meanValue(), 60, 11, x);
      assertClose(expected[0], ex.get(0).map().data(), 1e-5);
      assertClose(expected[1], ex.get(1).map().data(), 1e-5);
    }
  }

  /** sum_i softmax(S(x masked by M_i))_k M_i / (n p) for both classes, the image masked towards its mean colour. */
  private static double[][] handAccumulation(MaskGenerator gen, double p, int n, long seed, float[] x) {
    float[] meanColour = new float[3];
    for (int c = 0; c < 3; c++) {
      double sum = 0;
      for (int v = 0; v < H * W; v++) {
        sum += x[c * H * W + v];
      }
      meanColour[c] = (float) (sum / (H * W));
    }
    double[][] expected = new double[2][H * W];
    float[] m = new float[H * W];
    float[] masked = new float[3 * H * W];
    for (int i = 0; i < n; i++) {
      gen.fill(i, MaskSeeds.forMask(seed, i), m, 0);
      for (int c = 0; c < 3; c++) {
        for (int v = 0; v < H * W; v++) {
          masked[c * H * W + v] = m[v] * x[c * H * W + v] + (1 - m[v]) * meanColour[c];
        }
      }
      double[] s = RegionModel.scores(masked);
      double z = Math.exp(s[0]) + Math.exp(s[1]);
      for (int k = 0; k < 2; k++) {
        for (int v = 0; v < H * W; v++) {
          expected[k][v] += Math.exp(s[k]) / z * m[v] / (n * p);
        }
      }
    }
    return expected;
  }

  @Test
  void sameSeedGivesSameMapWhateverBatchSizeAndThreads() {
    float[] x = RegionModel.image(4);
    RiseOptions o = RiseOptions.DEFAULTS.withMasks(200).withGrid(6).withSeed(42);
    float[] reference = new Rise(o.withBatch(1)).explain(model, x, new int[] {0, 1}).get(0).map().data();
    for (int batch : new int[] {7, 32}) {
      float[] m = new Rise(o.withBatch(batch)).explain(model, x, new int[] {0, 1}).get(0).map().data();
      assertClose(reference, m, 1e-6);
    }
    try (var twoThreads = RegionModel.open(RuntimeOptions.DEFAULT.withThreads(2)).classifier()) {
      BlackBox other = new BlackBox(twoThreads, model.normalization(), model.labels(), false);
      float[] m = new Rise(o.withBatch(32)).explain(other, x, new int[] {0}).get(0).map().data();
      assertClose(reference, m, 1e-6);
    }
    float[] otherSeed = new Rise(o.withSeed(43)).explain(model, x, new int[] {0}).get(0).map().data();
    assertTrue(maxAbsDiff(reference, otherSeed) > 1e-3, "another seed draws other masks");
  }

  @Test
  void masksAreKeptFromTheSecondImageOnAndGiveTheSameMaps() {
    float[] x = RegionModel.image(4);
    // pixel noise: the one built-in family whose sums take whole masks
    Rise rise = new Rise(RiseOptions.DEFAULTS.withMasks(200).withGrid(6).withSeed(42).withBatch(16)
        .withMaskType(MaskType.PIXEL_NOISE));
    float[] first = rise.explain(model, x, new int[] {0}).get(0).map().data();
    assertFalse(rise.keepsMasks(H, W), "the first image draws its masks as it goes");
    float[] second = rise.explain(model, x, new int[] {0}).get(0).map().data();
    assertTrue(rise.keepsMasks(H, W), "the second image keeps them");
    float[] third = rise.explain(model, x, new int[] {0}).get(0).map().data();
    // drawn, drawn and kept, read back: the same masks, so the same maps bit for bit
    assertArrayEquals(first, second);
    assertArrayEquals(first, third);
  }

  @Test
  void gridMasksAreDrawnAgainForEveryImageAndGiveTheSameMaps() {
    float[] x = RegionModel.image(4);
    Rise rise = new Rise(RiseOptions.DEFAULTS.withMasks(200).withGrid(6).withSeed(42).withBatch(16));
    float[] first = rise.explain(model, x, new int[] {0}).get(0).map().data();
    float[] second = rise.explain(model, x, new int[] {0}).get(0).map().data();
    assertFalse(rise.keepsMasks(H, W), "binary grids are drawn from their lines each time");
    assertArrayEquals(first, second);
  }

  @Test
  void workingMemoryDoesNotGrowWithTheNumberOfMasks() {
    float[] x = RegionModel.image(5);
    RiseOptions o = RiseOptions.DEFAULTS.withGrid(4).withBatch(16);
    Object small = new Rise(o.withMasks(64)).explain(model, x, new int[] {0, 1}).get(0).details().get("workingBytes");
    Object large = new Rise(o.withMasks(4096)).explain(model, x, new int[] {0, 1}).get(0).details()
        .get("workingBytes");
    assertEquals(small, large);
    // three batch buffers of 16 inputs [3,H,W] and 16 masks' 4 lines of W values; the sums of two
    // classes over 4 lines for each of the ceil(H/4) vertical shifts: nothing per mask
    long expected = 3L * 16 * (3L * H * W + 4L * W) * 4 + 2L * ((H + 3) / 4) * 4 * W * 8;
    assertEquals(expected, ((Number) large).longValue());
  }

  @Test
  void untilStableStopsEarlyAtTheSameMaskCountForAnyBatch() {
    float[] x = RegionModel.image(6);
    RiseOptions o = RiseOptions.DEFAULTS.withMasks(20000).withGrid(4).withSeed(9).withUntilStable(0.02, 50);
    Explanation a = new Rise(o.withBatch(7)).explain(model, x, new int[] {0}).get(0);
    Explanation b = new Rise(o.withBatch(32)).explain(model, x, new int[] {0}).get(0);
    long used = ((Number) a.details().get("masks")).longValue();
    assertTrue(used < 20000 && used >= 4 * 50, "masks used " + used);
    assertEquals(0, used % 50);
    assertEquals(used, ((Number) b.details().get("masks")).longValue());
    assertClose(a.map().data(), b.map().data(), 1e-6);
    assertTrue((Double) a.details().get("lastChange") < 0.02);
    // the map it stopped at is the plain RISE map with that many masks
    float[] plain = new Rise(o.withMasks((int) used).withBatch(32).withUntilStable(1e-9, 1_000_000))
        .explain(model, x, new int[] {0}).get(0).map().data();
    assertClose(plain, a.map().data(), 1e-6);
  }

  static void assertClose(double[] expected, float[] got, double relTol) {
    double scale = 0;
    double diff = 0;
    for (int i = 0; i < expected.length; i++) {
      scale = Math.max(scale, Math.abs(expected[i]));
      diff = Math.max(diff, Math.abs(expected[i] - got[i]));
    }
    assertTrue(diff <= relTol * scale, "max difference " + diff + " for values up to " + scale);
  }

  static void assertClose(float[] expected, float[] got, double relTol) {
    double[] e = new double[expected.length];
    for (int i = 0; i < e.length; i++) {
      e[i] = expected[i];
    }
    assertClose(e, got, relTol);
  }

  static double maxAbsDiff(float[] a, float[] b) {
    double d = 0;
    for (int i = 0; i < a.length; i++) {
      d = Math.max(d, Math.abs(a[i] - b[i]));
    }
    return d;
  }

  static int argmax(float[] m) {
    int best = 0;
    for (int i = 1; i < m.length; i++) {
      if (m[i] > m[best]) {
        best = i;
      }
    }
    return best;
  }

  private static double max(float[] m) {
    return m[argmax(m)];
  }

  private static double min(float[] m) {
    double v = Double.POSITIVE_INFINITY;
    for (float f : m) {
      v = Math.min(v, f);
    }
    return v;
  }

  private static double mean(double[] v) {
    double s = 0;
    for (double d : v) {
      s += d;
    }
    return s / v.length;
  }
}
