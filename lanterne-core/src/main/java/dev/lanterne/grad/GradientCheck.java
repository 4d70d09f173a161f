package dev.lanterne.grad;

import dev.lanterne.runtime.Classifier;
import dev.lanterne.runtime.GradientModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Checks any {@link GradientModel} against central finite differences of the plain model, for one
 * image and the function f = Σ_k seed_k y_k:
 *
 * <ul>
 *   <li><b>scores</b>: the model's scores against the plain model's;
 *   <li><b>directional derivatives</b> along random Gaussian directions u: ⟨g, u⟩ against
 *       (f(x + εu) − f(x − εu)) / 2ε;
 *   <li><b>pixel grid</b>: the partial derivatives at the centres of a coarse grid of pixels, every
 *       channel, against (f(x + εe_i) − f(x − εe_i)) / 2ε.
 * </ul>
 *
 * Each compares vectors by relative L2 error. Steps are relative to the input's standard deviation;
 * float32 models put a floor under small steps and ReLU kinks bias large ones, so each check tries a
 * short ladder of steps and keeps the best agreement: a correct gradient matches at some step, a
 * wrong one at none. Differences use the perturbation actually stored in float32.
 *
 * <p>Photos have flat regions where neighbouring activations are exactly equal, so max pooling sits
 * on a tie whose one-sided derivatives differ at any step; the check therefore runs at the image plus
 * a tiny seeded Gaussian jitter (by default 1e-3 of its standard deviation), a generic point where the
 * gradient is unique.
 *
 * <p>Finite differences in float32 cannot see an error of 1%: their own noise on ReLU networks is
 * a few percent. The <b>path integral</b> check does: by the fundamental theorem of calculus,
 * f(x + εu) − f(x − εu) = ∫ ⟨g(x + tu), u⟩ dt over t in [−ε, ε], so the gradient model is evaluated at M
 * evenly spaced points along each of the random directions and its integral compared with the plain model's
 * difference over a large step, where float32 rounding of f is negligible and each kink the segment
 * crosses moves the integral by little. The gradient's own float32 noise (kinks whose side flips with
 * rounding) averages out over the points; a wrong rule is wrong at every point and does not. The
 * integral is the trapezoid rule; the report gives, next to the error, the rule's own error estimated
 * from the same points at half the resolution. Where the error lies within twice that estimate of the
 * tolerance, pass or fail is undecided and the intervals are halved, at most twice (the old points
 * kept): on a photo, random-weight ShuffleNetV2 read 6.05e-3 with 33 points (the rule's own error
 * 3.2e-3) and 3.2e-3 with 65; RegNetX-400MF 1.13e-2 with 33 (own error 6.4e-3) and 2.8e-3 with 129.
 *
 * <p>Measured with the compiled gradients of the shared models (random-weight ResNet-18, SqueezeNet
 * 1.1, MobileNetV3-Small; ViT, Swin, ConvNeXt; 8 directions, 17 points): correct gradients give 1.5e-3
 * to 3.3e-3 at step 3e-4 (ReLU networks) or 3e-4 at step 1e-2 (smooth ones, whose float32 rounding is 1.5e-2
 * at step 3e-4), the same gradients scaled by 1.01 give 7.4e-3 to 1.1e-2 at every step, and with 1% of their
 * norm added in a fixed random direction 6.3e-3 to 1.7e-2. On a photo (astronaut.png, MobileNetV3-Small,
 * 33 points) the correct gradient gives 4.2e-3, with 17 points 5.2e-3: hence 33 points and the tolerance 6e-3.
 *
 * <p>The default tolerances of the other checks come from measurements with correct gradients (PyTorch's, and the
 * compiled saliency graph's) on the random-weight torchvision models and the dequantized MobileNetV2,
 * on several photos: best directional errors 1.4e-2 to 5.7e-2 and grid errors 2.5e-2 to 1.8e-1
 * (SqueezeNet, without batch normalisation, is the roughest), where float32 rounding and ReLU kinks
 * limit finite differences. Typical gradient bugs (a one-pixel shift, swapped colour channels) give
 * errors of 0.34 or more on the directional check and 0.43 or more on the grid; a gradient wrong by
 * only 10% is within the float32 noise of these models and is caught only on smooth ones, with
 * tighter tolerances.
 */
public final class GradientCheck {
  private GradientCheck() {}

  /** Default gradient evaluations per direction of the path-integral check. */
  public static final int PATH_POINTS = 33;
  /** Default half-lengths of the path, relative to the input's std. */
  private static final double[] PATH_STEPS = {3e-4, 1e-2};
  /** Default tolerance of the path-integral check. */
  public static final double PATH_TOLERANCE = 6e-3;

  /**
   * Settings of the check.
   *
   * @param directions number of random directions
   * @param grid pixels per side of the coordinate grid (grid² pixels × channels partials)
   * @param directionSteps steps tried for the directional check, relative to the input's std
   * @param pixelSteps steps tried for the pixel-grid check, relative to the input's std
   * @param scoreTolerance largest relative L2 error of the scores
   * @param directionTolerance largest relative L2 error of the directional derivatives
   * @param gridTolerance largest relative L2 error of the grid of partial derivatives
   * @param jitter standard deviation of the noise added to the image, relative to its own
   * @param seed seed of the random directions and the jitter
   * @param pathPoints gradient evaluations along each direction of the path-integral check (0: no such check)
   * @param pathSteps the path half-lengths ε tried, relative to the input's std (the best agreement counts:
   *     ReLU networks want short paths, which cross few kinks; smooth ones long ones, over which float32
   *     rounding of f is negligible)
   * @param pathTolerance largest relative L2 error of the path integrals
   */
  public record Options(int directions, int grid, double[] directionSteps, double[] pixelSteps,
      double scoreTolerance, double directionTolerance, double gridTolerance, double jitter, long seed,
      int pathPoints, double[] pathSteps, double pathTolerance) {
    /**
     * 8 directions, a 4x4 grid, three steps per check, tolerances 1e-3 (scores), 0.15 (directions) and 0.3
     * (grid), jitter 1e-3, seed 0, and the path integral with 33 points at steps 3e-4 and 1e-2, tolerance
     * 6e-3: the measured values above.
     */
    public static final Options DEFAULT = new Options(8, 4, new double[] {3e-5, 1e-4, 3e-4},
        new double[] {3e-3, 1e-2, 3e-2}, 1e-3, 0.15, 0.3, 1e-3, 0, PATH_POINTS, PATH_STEPS, PATH_TOLERANCE);

    /** The same settings without the path-integral check. */
    public Options withoutPath() {
      return withPath(0, pathSteps, pathTolerance);
    }

    /** The same settings with another path-integral check (points 0: none). */
    public Options withPath(int points, double[] steps, double tolerance) {
      return new Options(directions, grid, directionSteps, pixelSteps, scoreTolerance, directionTolerance,
          gridTolerance, jitter, seed, points, steps, tolerance);
    }

    /**
     * Checks the values and copies the step arrays.
     *
     * @throws IllegalArgumentException when directions or grid is below 1 or a step list is empty
     */
    public Options {
      if (directions < 1 || grid < 1 || directionSteps.length == 0 || pixelSteps.length == 0 || pathPoints < 0
          || pathPoints == 1 || pathSteps.length == 0) {
        throw new IllegalArgumentException("a gradient check needs directions, a grid and steps");
      }
      directionSteps = directionSteps.clone();
      pixelSteps = pixelSteps.clone();
      pathSteps = pathSteps.clone();
    }
  }

  /**
   * One comparison.
   *
   * @param name what was compared ("scores", "directional derivatives", "pixel grid")
   * @param relativeError the relative L2 error (the best over the steps tried)
   * @param tolerance the largest error that passes
   * @param detail how it was made (such as the step), for the report
   */
  public record Check(String name, double relativeError, double tolerance, String detail) {
    /** Whether the error is within the tolerance. */
    public boolean passed() {
      return relativeError <= tolerance;
    }
  }

  /**
   * The checks of one run.
   *
   * @param checks every comparison made, in order
   */
  public record Report(List<Check> checks) {
    /** Copies the checks into an unmodifiable list. */
    public Report {
      checks = List.copyOf(checks);
    }

    /** Whether every check passed. */
    public boolean passed() {
      return checks.stream().allMatch(Check::passed);
    }

    /** One line per check, for the CLI. */
    public String format() {
      StringBuilder sb = new StringBuilder();
      for (Check c : checks) {
        sb.append(String.format(Locale.ROOT, "%-24s relative error %.2e  tolerance %.1e  %s  (%s)%n", c.name(),
            c.relativeError(), c.tolerance(), c.passed() ? "PASS" : "FAIL", c.detail()));
      }
      return sb.toString();
    }
  }

  /** Checks d y[targetClass] / dx. */
  public static Report run(GradientModel model, Classifier plain, float[] image, int targetClass, Options options) {
    float[] seed = new float[plain.numClasses()];
    seed[targetClass] = 1;
    return run(model, plain, image, seed, options);
  }

  /**
   * @param image one input [C,H,W], already normalised
   * @param seed class weights [K] defining f
   */
  public static Report run(GradientModel model, Classifier plain, float[] image, float[] seed, Options options) {
    int per = FiniteDifferenceGradient.ScoreProbe.imageSize(plain);
    if (image.length != per || seed.length != plain.numClasses()) {
      throw new IllegalArgumentException("expected an image of " + per + " values and " + plain.numClasses()
          + " seed weights");
    }
    float[] x = jittered(image, options);
    GradientModel.Result r = model.gradient(x, 1, seed);
    FiniteDifferenceGradient.ScoreProbe probe = new FiniteDifferenceGradient.ScoreProbe(plain, x, seed);
    double scale = FiniteDifferenceGradient.scale(x);
    List<Check> checks = new ArrayList<>();
    checks.add(new Check("scores", relativeError(toDouble(r.scores()), toDouble(plain.run(x, 1))),
        options.scoreTolerance(), "gradient model vs plain model, " + plain.numClasses() + " classes"));
    checks.add(directional(r.inputGradient(), probe, x, scale, options));
    checks.add(pixelGrid(r.inputGradient(), probe, plain.inputShape(), x, scale, options));
    if (options.pathPoints() > 0) {
      checks.add(pathIntegral(model, probe, x, seed, scale, options));
    }
    return new Report(checks);
  }

  /** The point the checks are made at: the image plus the options' seeded jitter (deterministic). */
  public static float[] jittered(float[] image, Options o) {
    float[] x = image.clone();
    if (o.jitter() > 0) {
      double sd = o.jitter() * FiniteDifferenceGradient.scale(image);
      SplittableRandom rnd = new SplittableRandom(o.seed() ^ 0x5DEECE66DL);
      for (int p = 0; p < x.length; p++) {
        x[p] += (float) (sd * rnd.nextGaussian());
      }
    }
    return x;
  }

  private static Check directional(float[] g, FiniteDifferenceGradient.ScoreProbe probe, float[] x, double scale,
      Options o) {
    int k = o.directions();
    float[] u = new float[x.length];
    Best best = new Best();
    for (double step : o.directionSteps()) {
      float eps = (float) (step * scale);
      double[] f = probe.values(2 * k, (row, copy) -> {
        FiniteDifferenceGradient.direction(o.seed(), row / 2, u);
        float s = row % 2 == 0 ? eps : -eps;
        for (int p = 0; p < copy.length; p++) {
          copy[p] += s * u[p];
        }
      });
      double[] analytic = new double[k];
      double[] numeric = new double[k];
      for (int j = 0; j < k; j++) {
        FiniteDifferenceGradient.direction(o.seed(), j, u);
        double dot = 0;
        for (int p = 0; p < x.length; p++) {
          // the perturbation as float32 actually stored it
          double delta = ((double) (x[p] + eps * u[p]) - (double) (x[p] - eps * u[p])) / 2;
          dot += g[p] * delta;
        }
        analytic[j] = dot / eps;
        numeric[j] = (f[2 * j] - f[2 * j + 1]) / (2 * eps);
      }
      best.offer(relativeError(analytic, numeric), step);
    }
    return new Check("directional derivatives", best.error, o.directionTolerance(),
        k + " random directions, step " + best.stepText());
  }

  private static Check pixelGrid(float[] g, FiniteDifferenceGradient.ScoreProbe probe, int[] chw, float[] x,
      double scale, Options o) {
    int[] coords = gridCoordinates(chw, o.grid());
    Best best = new Best();
    for (double step : o.pixelSteps()) {
      float eps = (float) (step * scale);
      double[] f = probe.values(2 * coords.length, (row, copy) -> copy[coords[row / 2]] += row % 2 == 0 ? eps : -eps);
      double[] analytic = new double[coords.length];
      double[] numeric = new double[coords.length];
      for (int i = 0; i < coords.length; i++) {
        int p = coords[i];
        double delta = (double) (x[p] + eps) - (double) (x[p] - eps);
        analytic[i] = g[p];
        numeric[i] = (f[2 * i] - f[2 * i + 1]) / delta;
      }
      best.offer(relativeError(analytic, numeric), step);
    }
    return new Check("pixel grid", best.error, o.gridTolerance(),
        coords.length + " partials (" + o.grid() + "x" + o.grid() + " pixels x " + chw[0] + " channels), step "
            + best.stepText());
  }

  private static Check pathIntegral(GradientModel model, FiniteDifferenceGradient.ScoreProbe probe, float[] x,
      float[] seed, double scale, Options o) {
    int m = o.pathPoints() - 1 + (o.pathPoints() - 1) % 2; // intervals: even, so the half rule exists
    Best best = new Best();
    double bestQuadrature = Double.NaN;
    int bestIntervals = m;
    for (double step : o.pathSteps()) {
      double[] r = pathIntegral(model, probe, x, seed, (float) (step * scale), m, o);
      if (!(r[0] >= best.error)) {
        bestQuadrature = r[1];
        bestIntervals = (int) r[2];
      }
      best.offer(r[0], step);
    }
    String verdict = bestQuadrature > o.pathTolerance() / 2 ? "; the quadrature alone is near the tolerance: use"
        + " more points" : "";
    String refined = bestIntervals > m ? " (refined from " + (m + 1) + ": the quadrature left pass or fail"
        + " undecided)" : "";
    return new Check("path integral", best.error, o.pathTolerance(), String.format(Locale.ROOT,
        "%d directions x %d gradients along each segment%s; the trapezoid rule's own error about %.1e%s; half-length"
            + " %s", o.directions(), bestIntervals + 1, refined, bestQuadrature, verdict, best.stepText()));
  }

  /**
   * The relative error of the integrals along segments of half-length eps, the quadrature's own, and the
   * intervals used: m, doubled (new points at the midpoints, the old ones kept) while the error is within
   * twice the quadrature's own error of the tolerance (pass or fail undecided), at most twice.
   */
  private static double[] pathIntegral(GradientModel model, FiniteDifferenceGradient.ScoreProbe probe, float[] x,
      float[] seed, float eps, int m, Options o) {
    int k = o.directions();
    float[] u = new float[x.length];
    double[] f = probe.values(2 * k, (row, copy) -> {
      FiniteDifferenceGradient.direction(o.seed() + 1, row / 2, u);
      float s = row % 2 == 0 ? eps : -eps;
      for (int p = 0; p < copy.length; p++) {
        copy[p] += s * u[p];
      }
    });
    double[] numeric = new double[k];
    double[][] dots = new double[k][];
    for (int j = 0; j < k; j++) {
      numeric[j] = f[2 * j] - f[2 * j + 1];
      dots[j] = new double[m + 1];
      fillDots(model, x, seed, eps, o, j, u, dots[j], m, 1);
    }
    int limit = 4 * m;
    while (true) {
      double[] full = new double[k];
      double[] half = new double[k];
      for (int j = 0; j < k; j++) {
        for (int i = 0; i <= m; i++) {
          double w = i == 0 || i == m ? 0.5 : 1;
          full[j] += w * dots[j][i] / m;
          if (i % 2 == 0) {
            half[j] += w * dots[j][i] / (m / 2.0);
          }
        }
      }
      // Richardson: the trapezoid error falls about 4x when the intervals halve (2-3x across kinks)
      double error = relativeError(full, numeric);
      double quadrature = relativeError(full, half) / 3;
      // refine only while the verdict is undecided: the error is within twice the quadrature's of the tolerance
      if (Math.abs(error - o.pathTolerance()) >= 2 * quadrature || 2 * m > limit) {
        return new double[] {error, quadrature, m};
      }
      for (int j = 0; j < k; j++) {
        double[] finer = new double[2 * m + 1];
        for (int i = 0; i <= m; i++) {
          finer[2 * i] = dots[j][i];
        }
        fillDots(model, x, seed, eps, o, j, u, finer, 2 * m, 2);
        dots[j] = finer;
      }
      m *= 2;
    }
  }

  /**
   * ⟨g(p_i), span⟩ at the points i = first, first + stride, ... of a segment cut in m intervals (first is
   * 0 for every point, 1 with stride 2 for the midpoints of a refinement).
   */
  private static void fillDots(GradientModel model, float[] x, float[] seed, float eps, Options o, int j, float[] u,
      double[] dots, int m, int stride) {
    FiniteDifferenceGradient.direction(o.seed() + 1, j, u);
    float[] point = new float[x.length];
    float[] lo = new float[x.length];
    double[] span = new double[x.length];
    for (int p = 0; p < x.length; p++) {
      // the segment's ends as float32 stored them: the integral runs between exactly those points
      lo[p] = x[p] - eps * u[p];
      span[p] = (double) (x[p] + eps * u[p]) - lo[p];
    }
    for (int i = stride == 1 ? 0 : 1; i <= m; i += stride) {
      double t = (double) i / m;
      for (int p = 0; p < x.length; p++) {
        point[p] = (float) (lo[p] + t * span[p]);
      }
      float[] g = model.gradient(point, 1, seed).inputGradient();
      double dot = 0;
      for (int p = 0; p < x.length; p++) {
        dot += g[p] * span[p];
      }
      dots[i] = dot;
    }
  }

  /** Flat indices of every channel at the centres of a grid x grid partition of the image. */
  static int[] gridCoordinates(int[] chw, int grid) {
    int gh = Math.min(grid, chw[1]);
    int gw = Math.min(grid, chw[2]);
    int[] out = new int[chw[0] * gh * gw];
    int i = 0;
    for (int c = 0; c < chw[0]; c++) {
      for (int a = 0; a < gh; a++) {
        for (int b = 0; b < gw; b++) {
          int y = (2 * a + 1) * chw[1] / (2 * gh);
          int xx = (2 * b + 1) * chw[2] / (2 * gw);
          out[i++] = (c * chw[1] + y) * chw[2] + xx;
        }
      }
    }
    return out;
  }

  /** ||a − b|| / max(||a||, ||b||), 0 when both vanish. */
  static double relativeError(double[] a, double[] b) {
    return relativeError(a, b, 0);
  }

  /** ||a − b|| / max(||a||, ||b||, floor), 0 when all vanish. */
  static double relativeError(double[] a, double[] b, double floor) {
    double diff = 0;
    double na = 0;
    double nb = 0;
    for (int i = 0; i < a.length; i++) {
      diff += (a[i] - b[i]) * (a[i] - b[i]);
      na += a[i] * a[i];
      nb += b[i] * b[i];
    }
    double norm = Math.max(Math.sqrt(Math.max(na, nb)), floor);
    return norm == 0 ? 0 : Math.sqrt(diff) / norm;
  }

  private static double[] toDouble(float[] v) {
    double[] d = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      d[i] = v[i];
    }
    return d;
  }

  /** The smallest error over the steps tried, its step, and every step's error for the report. */
  private static final class Best {
    double error = Double.POSITIVE_INFINITY;
    double step = Double.NaN;
    final StringBuilder all = new StringBuilder();

    void offer(double e, double s) {
      double v = Double.isNaN(e) ? Double.POSITIVE_INFINITY : e;
      if (v < error || Double.isNaN(step)) {
        error = v;
        step = s;
      }
      all.append(all.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.0e: %.1e", s, v));
    }

    String stepText() {
      return String.format(Locale.ROOT, "%.0e of the input's std; by step %s", step, all);
    }
  }
}
