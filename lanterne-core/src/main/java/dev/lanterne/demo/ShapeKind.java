package dev.lanterne.demo;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The object classes of the demo data set, in class-index order. Each shape is defined in its own
 * unit frame (centred at the origin, outer radius 1) by an inside test, so that rendering and the
 * ground-truth mask come from the same predicate.
 */
public enum ShapeKind {
  /** Class 0: a filled disc. */
  CIRCLE(0) {
    @Override
    boolean contains(double u, double v) {
      return u * u + v * v <= 1;
    }
  },
  /** Class 1: a filled square of side 1.6 radii, about the disc's area. */
  SQUARE(90) {
    @Override
    boolean contains(double u, double v) {
      // side 1.6: about the area of the unit circle
      return Math.abs(u) <= 0.8 && Math.abs(v) <= 0.8;
    }
  },
  /** Class 2: a filled equilateral triangle. */
  TRIANGLE(120) {
    @Override
    boolean contains(double u, double v) {
      return insideConvex(u, v, TRIANGLE_X, TRIANGLE_Y);
    }
  },
  /** Class 3: a five-pointed star, inner radius 0.45 of the outer. */
  STAR(72) {
    @Override
    boolean contains(double u, double v) {
      return insidePolygon(u, v, STAR_X, STAR_Y);
    }
  },
  /** Class 4: a plus-shaped cross with arms 0.32 radii half-wide. */
  CROSS(90) {
    @Override
    boolean contains(double u, double v) {
      double a = Math.abs(u);
      double b = Math.abs(v);
      return (a <= ARM && b <= 1) || (b <= ARM && a <= 1);
    }
  },
  /** Class 5: an annulus with a hole of 0.55 radii. */
  RING(0) {
    @Override
    boolean contains(double u, double v) {
      double r2 = u * u + v * v;
      return r2 <= 1 && r2 >= HOLE * HOLE;
    }
  };

  /** Half-width of a cross's arms, relative to its outer radius. */
  static final double ARM = 0.32;
  /** Inner radius of a ring, relative to its outer radius. */
  static final double HOLE = 0.55;
  private static final double STAR_INNER = 0.45;
  private static final double[] TRIANGLE_X = regularX(3, 1, 1);
  private static final double[] TRIANGLE_Y = regularY(3, 1, 1);
  private static final double[] STAR_X = regularX(10, 1, STAR_INNER);
  private static final double[] STAR_Y = regularY(10, 1, STAR_INNER);

  private final int symmetryDegrees;

  ShapeKind(int symmetryDegrees) {
    this.symmetryDegrees = symmetryDegrees;
  }

  /** Whether the point (u, v) of the shape's unit frame (y down) lies inside the shape. */
  abstract boolean contains(double u, double v);

  /** Rotations beyond this many degrees repeat the shape (0: rotation does not change it). */
  int symmetryDegrees() {
    return symmetryDegrees;
  }

  /** The label used in the label file and in reports: the lower-case name. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The class labels in class-index order. */
  public static List<String> labels() {
    return Arrays.stream(values()).map(ShapeKind::label).toList();
  }

  /** Vertices alternating between radius a (even) and b (odd), the first pointing up. */
  private static double[] regularX(int n, double a, double b) {
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = (i % 2 == 0 ? a : b) * Math.sin(2 * Math.PI * i / n);
    }
    return x;
  }

  private static double[] regularY(int n, double a, double b) {
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      y[i] = -(i % 2 == 0 ? a : b) * Math.cos(2 * Math.PI * i / n);
    }
    return y;
  }

  /** Inside test for a convex polygon with vertices in clockwise screen order (y down). */
  private static boolean insideConvex(double u, double v, double[] x, double[] y) {
    int n = x.length;
    for (int i = 0; i < n; i++) {
      int j = (i + 1) % n;
      double cross = (x[j] - x[i]) * (v - y[i]) - (y[j] - y[i]) * (u - x[i]);
      if (cross < 0) {
        return false;
      }
    }
    return true;
  }

  /** Even-odd crossing test, for the non-convex star. */
  private static boolean insidePolygon(double u, double v, double[] x, double[] y) {
    boolean inside = false;
    for (int i = 0, j = x.length - 1; i < x.length; j = i++) {
      if ((y[i] > v) != (y[j] > v) && u < (x[j] - x[i]) * (v - y[i]) / (y[j] - y[i]) + x[i]) {
        inside = !inside;
      }
    }
    return inside;
  }
}
