package dev.lanterne.explain.surrogate;

import dev.lanterne.explain.Attribution;
import dev.lanterne.explain.Explanation;
import dev.lanterne.explain.Images;
import dev.lanterne.explain.LanternModel;
import dev.lanterne.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The shared frame of the segment methods: per image, undo the normalisation, cut the picture into
 * SLIC superpixels, build the fill, let the method score coalitions, and paint one value per
 * segment back over its pixels. Every class of an image comes from the same model calls.
 */
abstract sealed class SegmentMethod implements Attribution permits Lime, KernelShap, FeatureAblation {
  /** What a method found for one image: per class, one value per segment, and its details. */
  record Fitted(double[][] perSegment, List<Map<String, Object>> details) {}

  private final LanternModel model;
  private final SurrogateOptions options;

  SegmentMethod(LanternModel model, SurrogateOptions options) {
    this.model = model;
    this.options = options;
  }

  @Override
  public LanternModel model() {
    return model;
  }

  /** The options. */
  public SurrogateOptions options() {
    return options;
  }

  /** The method's work on one image. */
  abstract Fitted fit(SegmentRunner runner, int[] classes, float[] original, long seed);

  /** The segmentation of one normalised image [C,H,W], as the method uses it. */
  public Segments segments(float[] normalised) {
    int[] chw = model.inputShape();
    return options.slic().segment(model.pixels(normalised), chw[0], chw[1], chw[2]);
  }

  @Override
  public List<Explanation> attribute(Images images, int[][] classes) {
    int[] chw = images.chw();
    List<Explanation> out = new ArrayList<>();
    for (int i = 0; i < images.size(); i++) {
      long t0 = System.nanoTime();
      float[] x = images.tensor(i);
      float[] pixels = model.pixels(x);
      Segments seg = options.slic().segment(pixels, chw[0], chw[1], chw[2]);
      float[] fill = model.normalization().apply(options.fill().image(pixels, chw[0], chw[1], chw[2],
          options.blurSigma()));
      SegmentRunner runner = new SegmentRunner(model, x, fill, seg, options.score(), options.batch());
      float[] raw = model.scores(x, 1);
      float[] prob = model.probabilities(raw, 1);
      float[] original = options.score() == dev.lanterne.explain.perturbation.ScoreKind.PROBABILITY ? prob : raw;
      Fitted f = fit(runner, classes[i], original, options.seed() * 1_000_003L + i);
      double seconds = (System.nanoTime() - t0) / 1e9;
      for (int k = 0; k < classes[i].length; k++) {
        int c = classes[i][k];
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("segments", seg.count());
        d.put("nSegments", options.slic().nSegments());
        d.put("compactness", options.slic().compactness());
        d.put("fill", options.fill().name().toLowerCase(Locale.ROOT));
        d.put("score", options.score().name().toLowerCase(Locale.ROOT));
        d.putAll(f.details().get(k));
        d.put("seconds", seconds);
        Tensor map = new Tensor(seg.paint(f.perSegment()[k]), new int[] {chw[1], chw[2]});
        out.add(new Explanation(i, name(), c, model.labels().get(c), raw[c], prob[c], map, null, d));
      }
    }
    return out;
  }
}
