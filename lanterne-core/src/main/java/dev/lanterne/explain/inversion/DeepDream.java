package dev.lanterne.explain.inversion;

import dev.lanterne.model.ModelCard;
import dev.lanterne.runtime.InversionModel;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * DeepDream (Mordvintsev et al. 2015) on a fixed-size classifier: start from a photo and climb a
 * class score, or the energy 0.5 * ||A||^2 of a layer (an extra output column added by
 * {@link LayerObjective}), over several octaves.
 *
 * <p>Octaves on a fixed input size: octave o of O works on the photo resized down to
 * S / factor^(O-1-o) (S = the model's input size), so the last octave is at S. Each step resizes the
 * octave image up to S for the model and carries the gradient back down through the exact transpose
 * of that resize (chain rule), so small octaves change large-scale structure only. The detail
 * (dreamed - photo at that scale) is resized up and added to the photo at the next octave.
 */
public final class DeepDream {
  private DeepDream() {}

  /**
   * @param octaves number of scales (1: no octaves)
   * @param octaveScale size ratio between consecutive octaves (1.4 in the original)
   * @param ascent the optimisation per octave (steps are per octave; start is ignored)
   */
  public record Options(int octaves, double octaveScale, InversionOptions ascent) {
    /**
     * Checks the values.
     *
     * @throws IllegalArgumentException when octaves is below 1 or octaveScale below 1
     */
    public Options {
      if (octaves < 1 || !(octaveScale >= 1)) {
        throw new IllegalArgumentException("octaves must be >= 1 and octaveScale >= 1");
      }
    }

    /** 4 octaves, factor 1.4, 10 steps of plain normalised gradient ascent (lr 0.01) each, jitter 4 px, clipping. */
    public static Options defaults() {
      InversionOptions a = InversionOptions.defaults().withStart(InversionOptions.Start.IMAGE)
          .withOptimizer(InversionOptions.Optimizer.SGD, 0.01, 0).withSteps(10).withBlur(0, 1.0)
          .withJitter(4, 0, 0).withSnapshotEvery(5);
      return new Options(4, 1.4, a);
    }
  }

  /** The side lengths of the octaves, smallest first; the last is the model's. */
  public static int[][] octaveSizes(int height, int width, Options o) {
    int[][] s = new int[o.octaves()][];
    for (int k = 0; k < o.octaves(); k++) {
      double f = Math.pow(o.octaveScale(), o.octaves() - 1 - k);
      s[k] = new int[] {Math.max(1, (int) Math.round(height / f)), Math.max(1, (int) Math.round(width / f))};
    }
    return s;
  }

  /**
   * @param model the inversion-step graph (of the classifier, or of {@link LayerObjective}'s rewrite)
   * @param photo the start image [C,H,W], normalised
   * @param targets the output column each dreamed image climbs (a class, or K for the layer objective)
   * @param probabilityClasses how many leading output columns are class scores
   */
  public static AscentTrace run(InversionModel model, ModelCard card, float[] photo, int[] targets,
      int probabilityClasses, Options options, StepListener listener) {
    int[] chw = model.inputShape();
    int n = targets.length;
    int per = chw[0] * chw[1] * chw[2];
    if (photo.length != per) {
      throw new IllegalArgumentException("the photo must be [C,H,W] with " + per + " values");
    }
    float[] full = new float[n * per];
    for (int i = 0; i < n; i++) {
      System.arraycopy(photo, 0, full, i * per, per);
    }
    PixelRange range = PixelRange.of(card);
    ModelObjective atModelSize = new ModelObjective(model, targets, probabilityClasses, card.outputsProbabilities())
        .climbingLogProbability(options.ascent().logProbability());
    SplittableRandom rng = new SplittableRandom(options.ascent().seed());
    int[][] sizes = octaveSizes(chw[1], chw[2], options);
    int steps = options.ascent().steps();
    int total = steps * sizes.length;
    float[][] obj = new float[n][total + 1];
    float[][] prob = new float[n][total + 1];
    List<AscentTrace.Snapshot> snaps = new ArrayList<>();
    float[] detail = null;
    int[] prev = null;
    AscentTrace last = null;
    for (int o = 0; o < sizes.length; o++) {
      int h = sizes[o][0];
      int w = sizes[o][1];
      boolean native_ = h == chw[1] && w == chw[2];
      float[] base = native_ ? full : new Resize(chw[0], chw[1], chw[2], h, w).applyBatch(full, n);
      float[] x = base.clone();
      if (detail != null) {
        float[] up = new Resize(chw[0], prev[0], prev[1], h, w).applyBatch(detail, n);
        for (int j = 0; j < x.length; j++) {
          x[j] += up[j];
        }
      }
      AscentObjective objective = native_ ? atModelSize : new ResizedObjective(atModelSize, h, w);
      int offset = o * steps;
      StepListener shifted = (t, ob, pr) -> listener.onStep(offset + t, ob, pr);
      last = new GradientAscent(objective, options.ascent(), range).run(x, n, rng, shifted);
      for (int i = 0; i < n; i++) {
        int from = o == 0 ? 0 : 1;
        System.arraycopy(last.objective()[i], from, obj[i], offset + from, steps + 1 - from);
        System.arraycopy(last.probability()[i], from, prob[i], offset + from, steps + 1 - from);
      }
      Resize toModel = native_ ? null : new Resize(chw[0], h, w, chw[1], chw[2]);
      for (AscentTrace.Snapshot s : last.snapshots()) {
        if (o > 0 && s.step() == 0) {
          continue;
        }
        float[] img = toModel == null ? s.images() : toModel.applyBatch(s.images(), n);
        snaps.add(new AscentTrace.Snapshot(offset + s.step(), img));
      }
      detail = last.images().clone();
      for (int j = 0; j < detail.length; j++) {
        detail[j] -= base[j];
      }
      prev = sizes[o];
    }
    float[] result = last.images();
    if (prev[0] != chw[1] || prev[1] != chw[2]) {
      result = new Resize(chw[0], prev[0], prev[1], chw[1], chw[2]).applyBatch(result, n);
    }
    return new AscentTrace(result, n, chw, obj, prob, last.finalScores(), snaps);
  }
}
