package dev.lanterne.explain.inversion;

import dev.lanterne.explain.perturbation.GaussianBlur;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.joml.Matrix3x2f;

/**
 * The optimisation loop shared by class-model inversion and deep dream. Each step: jitter the
 * image, one objective call for the whole batch, undo the jitter, update, then blur (every k steps)
 * and clip.
 *
 * <p>Plain gradient ascent (SGD without momentum) with at most an integer shift takes the graph's
 * own update x + lr g - lr l2 x and shifts it back: exact, because the update is elementwise. Every
 * other case updates in Java from the returned gradient, normalised per image when asked; with
 * scaling or rotation the gradient, not the image, is warped back with the inverse map, so the image
 * itself is never resampled.
 *
 * <p>The Gaussian blur runs in normalised space; because it is linear with weights summing to one it
 * commutes with the per-channel affine normalisation, so it equals blurring in pixel space.
 */
public final class GradientAscent {
  private final AscentObjective objective;
  private final InversionOptions options;
  private final PixelRange range;
  private final FourierParameterization parameterization;

  /** @param range the valid range for clipping, or null (no clipping possible) */
  public GradientAscent(AscentObjective objective, InversionOptions options, PixelRange range) {
    this(objective, options, range, null);
  }

  /**
   * Optimising the variables of a parameterisation instead of the pixels (Lucid's Fourier and
   * decorrelated images): each step renders the images, applies the jitter, takes the objective's
   * gradient, undoes the jitter, carries the gradient back to the variables and updates them with
   * the options' rule. Blur, clipping and gradient normalisation do not apply (the sigmoid keeps the
   * pixels valid); x0 is then ignored and the variables start from Lucid's N(0, 0.01^2).
   *
   * @param parameterization null: optimise the pixels
   */
  public GradientAscent(AscentObjective objective, InversionOptions options, PixelRange range,
      FourierParameterization parameterization) {
    this.objective = objective;
    this.options = options;
    this.range = range;
    this.parameterization = parameterization;
  }

  /**
   * Runs options.steps() steps from x0 [n,C,H,W] (not modified).
   *
   * @param rng the jitter's random source
   */
  public AscentTrace run(float[] x0, int n, SplittableRandom rng, StepListener listener) {
    int[] s = objective.shape();
    int c = s[0];
    int h = s[1];
    int w = s[2];
    if (x0.length != n * c * h * w) {
      throw new IllegalArgumentException("expected " + n * c * h * w + " values, got " + x0.length);
    }
    int steps = options.steps();
    float lr = (float) options.learningRate();
    float l2 = (float) options.l2();
    FourierParameterization param = parameterization;
    float[] vars = param == null ? null : param.init(n, 0.01, new SplittableRandom(options.seed() ^ 0xF0F1L));
    float[] x = param == null ? x0.clone() : param.render(vars, n);
    float[][] obj = new float[n][steps + 1];
    float[][] prob = new float[n][steps + 1];
    List<AscentTrace.Snapshot> snaps = new ArrayList<>();
    if (options.snapshotEvery() > 0) {
      snaps.add(new AscentTrace.Snapshot(0, x.clone()));
    }
    boolean graphUpdate = options.optimizer() == InversionOptions.Optimizer.SGD && options.momentum() == 0
        && !options.affineJitter() && param == null;
    UpdateRule rule = UpdateRule.of(options);
    for (int t = 1; t <= steps; t++) {
      int dx = options.jitter() > 0 ? rng.nextInt(-options.jitter(), options.jitter() + 1) : 0;
      int dy = options.jitter() > 0 ? rng.nextInt(-options.jitter(), options.jitter() + 1) : 0;
      Matrix3x2f affine = null;
      if (options.affineJitter()) {
        float scale = (float) (1 + options.scaleJitter() * (2 * rng.nextDouble() - 1));
        float angle = (float) Math.toRadians(options.rotateJitterDegrees() * (2 * rng.nextDouble() - 1));
        affine = Jitter.transform(h, w, scale, angle, dx, dy);
      }
      float[] moved = affine != null ? Jitter.warp(x, n, c, h, w, affine)
          : dx != 0 || dy != 0 ? Jitter.roll(x, n, c, h, w, dx, dy) : x;
      AscentObjective.Step r = objective.step(moved, n, graphUpdate ? lr : 0f, graphUpdate ? l2 : 0f);
      record(r.scores(), n, obj, prob, t - 1);
      if (graphUpdate && r.next() != null) {
        x = dx != 0 || dy != 0 ? Jitter.roll(r.next(), n, c, h, w, -dx, -dy) : r.next().clone();
      } else {
        float[] g = affine != null ? Jitter.warp(r.gradient(), n, c, h, w, new Matrix3x2f(affine).invert())
            : dx != 0 || dy != 0 ? Jitter.roll(r.gradient(), n, c, h, w, -dx, -dy) : r.gradient().clone();
        if (param != null) {
          rule.apply(vars, param.backward(x, g, n), lr, l2);
          x = param.render(vars, n);
        } else {
          if (options.normalizeGradient()) {
            UpdateRule.normalizePerImage(g, n);
          }
          rule.apply(x, g, lr, l2);
        }
      }
      if (param == null && options.blurAfter(t)) {
        x = blur(x, n, c, h, w, options.blurSigma());
      }
      if (param == null && options.clip() && range != null) {
        range.clip(x, n, c);
      }
      if (options.snapshotEvery() > 0 && (t % options.snapshotEvery() == 0 || t == steps)) {
        snaps.add(new AscentTrace.Snapshot(t, x.clone()));
      }
      listener.onStep(t, column(obj, t - 1), column(prob, t - 1));
    }
    AscentObjective.Step last = objective.step(x, n, 0f, 0f);
    record(last.scores(), n, obj, prob, steps);
    return new AscentTrace(x, n, s, obj, prob, last.scores(), snaps);
  }

  private void record(float[] scores, int n, float[][] obj, float[][] prob, int t) {
    for (int i = 0; i < n; i++) {
      obj[i][t] = objective.objective(scores, i);
      prob[i][t] = objective.probability(scores, i);
    }
  }

  private static float[] column(float[][] a, int t) {
    float[] out = new float[a.length];
    for (int i = 0; i < a.length; i++) {
      out[i] = a[i][t];
    }
    return out;
  }

  /** Blurs each of n stacked [C,H,W] images. */
  static float[] blur(float[] x, int n, int c, int h, int w, double sigma) {
    int per = c * h * w;
    float[] out = new float[x.length];
    for (int i = 0; i < n; i++) {
      float[] one = java.util.Arrays.copyOfRange(x, i * per, (i + 1) * per);
      System.arraycopy(GaussianBlur.blur(one, c, h, w, sigma), 0, out, i * per, per);
    }
    return out;
  }
}
