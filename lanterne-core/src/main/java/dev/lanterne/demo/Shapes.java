package dev.lanterne.demo;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Deterministic generator of the demo pictures: one coloured shape (see {@link ShapeKind}) at a
 * random position, size, rotation and colour, on a textured background with distractor clutter.
 * The same seed always gives the same picture; the object mask is exact, because the object is
 * drawn last as a solid fill of the mask, in a colour chosen to differ from every background pixel
 * it covers. The shape's outer radius stays inside the picture; only a square's corners (at 1.13
 * radii) can be cut off by the border, which the mask then reflects.
 */
public final class Shapes {
  /** The picture size the demo model is trained on. */
  public static final int DEFAULT_SIZE = 64;
  private static final int COLOUR_CANDIDATES = 12;
  private static final int MAX_CLUTTER = 4;
  private static final double MIN_RADIUS = 0.14;
  private static final double MAX_RADIUS = 0.32;

  private final int size;

  /**
   * A generator of size x size pictures.
   *
   * @throws IllegalArgumentException when size is below 16
   */
  public Shapes(int size) {
    if (size < 16) {
      throw new IllegalArgumentException("pictures must be at least 16 pixels wide, got " + size);
    }
    this.size = size;
  }

  /** A generator of {@link #DEFAULT_SIZE}-pixel pictures, the size the demo model is trained on. */
  public Shapes() {
    this(DEFAULT_SIZE);
  }

  /** Width and height of the pictures, in pixels. */
  public int size() {
    return size;
  }

  /** The picture for one seed. */
  public ShapeSample sample(long seed) {
    return render(seed, true);
  }

  /** n pictures of a set: the seeds of its pictures are drawn from the set's seed. */
  public List<ShapeSample> samples(long setSeed, int n) {
    List<ShapeSample> out = new ArrayList<>(n);
    for (long seed : seeds(setSeed, n)) {
      out.add(sample(seed));
    }
    return out;
  }

  /** The seeds of the first n pictures of a set. */
  public static long[] seeds(long setSeed, int n) {
    SplittableRandom rnd = new SplittableRandom(setSeed);
    long[] seeds = new long[n];
    for (int i = 0; i < n; i++) {
      seeds[i] = rnd.nextLong();
    }
    return seeds;
  }

  /**
   * Renders a picture; without the object (drawObject false) it is the same scene's background,
   * which lets tests check that the object changed exactly the masked pixels.
   */
  ShapeSample render(long seed, boolean drawObject) {
    SplittableRandom rnd = new SplittableRandom(seed);
    ShapeKind kind = ShapeKind.values()[rnd.nextInt(ShapeKind.values().length)];
    Canvas canvas = new Canvas(size);
    Backgrounds.paint(canvas, rnd);
    Backgrounds.clutter(canvas, MAX_CLUTTER, rnd);
    canvas.quantise();
    boolean[] mask = placeObject(kind, rnd);
    double[] colour = contrastingColour(canvas, mask, rnd);
    if (drawObject) {
      for (int i = 0; i < mask.length; i++) {
        if (mask[i]) {
          canvas.set(i, colour[0], colour[1], colour[2]);
        }
      }
    }
    return new ShapeSample(kind, size, canvas.packed(), mask, boundingBox(mask), seed);
  }

  /** Chooses radius, centre and rotation, and rasterises the shape at pixel centres. */
  private boolean[] placeObject(ShapeKind kind, SplittableRandom rnd) {
    double radius = rnd.nextDouble(MIN_RADIUS, MAX_RADIUS) * size;
    double cx = rnd.nextDouble(radius + 1, size - radius - 1);
    double cy = rnd.nextDouble(radius + 1, size - radius - 1);
    double angle = Math.toRadians(rnd.nextDouble(0, Math.max(1, kind.symmetryDegrees())));
    double cos = Math.cos(angle);
    double sin = Math.sin(angle);
    boolean[] mask = new boolean[size * size];
    for (int y = 0; y < size; y++) {
      double dy = (y + 0.5 - cy) / radius;
      for (int x = 0; x < size; x++) {
        double dx = (x + 0.5 - cx) / radius;
        // rotate the pixel into the shape's frame
        mask[y * size + x] = kind.contains(cos * dx + sin * dy, -sin * dx + cos * dy);
      }
    }
    return mask;
  }

  /** Of a few vivid candidates, the one whose closest covered background pixel is farthest. */
  private static double[] contrastingColour(Canvas canvas, boolean[] mask, SplittableRandom rnd) {
    double[] best = null;
    double bestScore = -1;
    for (int k = 0; k < COLOUR_CANDIDATES; k++) {
      double[] candidate = Colours.vivid(rnd);
      double score = Double.MAX_VALUE;
      for (int i = 0; i < mask.length && score > bestScore; i++) {
        if (mask[i]) {
          score = Math.min(score, canvas.distance2(i, candidate));
        }
      }
      if (score > bestScore) {
        best = candidate;
        bestScore = score;
      }
    }
    return best;
  }

  private ShapeSample.Box boundingBox(boolean[] mask) {
    int x0 = size;
    int y0 = size;
    int x1 = 0;
    int y1 = 0;
    for (int y = 0; y < size; y++) {
      for (int x = 0; x < size; x++) {
        if (mask[y * size + x]) {
          x0 = Math.min(x0, x);
          y0 = Math.min(y0, y);
          x1 = Math.max(x1, x + 1);
          y1 = Math.max(y1, y + 1);
        }
      }
    }
    return new ShapeSample.Box(x0, y0, x1, y1);
  }
}
