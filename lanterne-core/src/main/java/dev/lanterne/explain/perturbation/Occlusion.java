package dev.lanterne.explain.perturbation;

import dev.lanterne.explain.Explanation;
import dev.lanterne.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Occlusion (Zeiler and Fergus 2014), the deterministic baseline: each pixel's attribution is the
 * mean score drop, score(x) - score(x occluded), over the windows that cover it.
 */
public final class Occlusion implements dev.lanterne.explain.Attribution {
  /** The method's name in explanations and file names. */
  public static final String METHOD = "occlusion";

  private final OcclusionOptions options;

  private final dev.lanterne.explain.LanternModel owner;

  /** The method alone; call {@link #explain} with a {@link BlackBox}. */
  public Occlusion(OcclusionOptions options) {
    this.options = options;
    this.owner = null;
  }

  /** On a model: {@link #attribute} takes the model's normalised images and undoes the normalisation. */
  public Occlusion(dev.lanterne.explain.LanternModel model, OcclusionOptions options) {
    this.options = options;
    this.owner = model;
  }

  @Override
  public String name() {
    return METHOD;
  }

  @Override
  public dev.lanterne.explain.LanternModel model() {
    return owner;
  }

  @Override
  public List<Explanation> attribute(dev.lanterne.explain.Images images, int[][] classes) {
    return Perturbations.attributeEach(owner, METHOD, images, classes,
        (box, pixels, cls, i) -> explain(box, pixels, cls, i, ProgressListener.NONE));
  }

  /** Explains one image [C,H,W] in [0,1] for the given classes, without progress reports. */
  public List<Explanation> explain(BlackBox model, float[] pixels, int[] classes) {
    return explain(model, pixels, classes, 0, ProgressListener.NONE);
  }

  /**
   * Explains one image [C,H,W] in [0,1] for the given classes: one explanation per class, in order.
   *
   * @param image the image index recorded in the explanations
   * @param progress told of the occluded images scored
   */
  public List<Explanation> explain(BlackBox model, float[] pixels, int[] classes, int image,
      ProgressListener progress) {
    Perturbations.checkClasses(classes, model.numClasses());
    int h = model.height();
    int w = model.width();
    OcclusionMasks windows = new OcclusionMasks(h, w, options.window(), options.stride());
    float[] raw = model.rawScores(pixels);
    float[] prob = model.probabilities(raw);
    float[] base = options.score() == ScoreKind.PROBABILITY ? prob : raw;
    float[] fill = options.fill().image(pixels, model.channels(), h, w, options.blurSigma());
    MaskedBatchRunner runner = new MaskedBatchRunner(model, pixels, fill, windows, 0, options.batch(),
        options.score());
    double[] drops = new double[classes.length * h * w];
    int[] cover = new int[h * w];
    int win = windows.window();
    MaskedBatchRunner.Sink sink = (index, masks, maskOffset, scores, scoreOffset) -> {
      int y0 = windows.top(index);
      int x0 = windows.left(index);
      for (int y = y0; y < y0 + win; y++) {
        for (int x = x0; x < x0 + win; x++) {
          cover[y * w + x]++;
        }
      }
      for (int k = 0; k < classes.length; k++) {
        double drop = (double) base[classes[k]] - scores[scoreOffset + classes[k]];
        int o = k * h * w;
        for (int y = y0; y < y0 + win; y++) {
          for (int x = x0; x < x0 + win; x++) {
            drops[o + y * w + x] += drop;
          }
        }
      }
      return true;
    };
    MaskedBatchRunner.Result run = runner.run(windows.count(), sink, progress);
    List<Explanation> out = new ArrayList<>();
    for (int k = 0; k < classes.length; k++) {
      float[] map = new float[h * w];
      for (int u = 0; u < h * w; u++) {
        map[u] = cover[u] == 0 ? 0f : (float) (drops[k * h * w + u] / cover[u]);
      }
      Map<String, Object> details = new LinkedHashMap<>();
      details.put("windows", run.used());
      details.put("window", options.window());
      details.put("stride", options.stride());
      details.put("fill", options.fill().name().toLowerCase(Locale.ROOT));
      details.put("score", options.score().name().toLowerCase(Locale.ROOT));
      Perturbations.putTiming(details, run, (long) drops.length * Double.BYTES + (long) cover.length * Integer.BYTES);
      int c = classes[k];
      out.add(new Explanation(image, METHOD, c, model.labels().get(c), raw[c], prob[c],
          new Tensor(map, new int[] {h, w}), null, details));
    }
    return out;
  }
}
