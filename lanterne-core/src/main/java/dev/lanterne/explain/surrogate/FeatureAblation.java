package dev.lanterne.explain.surrogate;

import dev.lanterne.explain.LanternModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Feature ablation over superpixels (Captum's {@code FeatureAblation} with a SLIC
 * {@code feature_mask}): each segment's attribution is score(x) - score(x with that segment
 * replaced by the fill). One perturbed image per segment, batched; deterministic.
 */
public final class FeatureAblation extends SegmentMethod {
  /** The method's name. */
  public static final String METHOD = "ablation";

  /** With the default options ({@link SurrogateOptions#ABLATION}). */
  public FeatureAblation(LanternModel model) {
    this(model, SurrogateOptions.ABLATION.withBatch(model.runtime().maxBatch()));
  }

  /** With the given options (samples and fit are unused). */
  public FeatureAblation(LanternModel model, SurrogateOptions options) {
    super(model, options);
  }

  @Override
  public String name() {
    return METHOD;
  }

  @Override
  Fitted fit(SegmentRunner runner, int[] classes, float[] original, long seed) {
    int m = runner.segments().count();
    boolean[][] z = new boolean[m][m];
    for (int s = 0; s < m; s++) {
      Arrays.fill(z[s], true);
      z[s][s] = false;
    }
    double[][] scores = runner.scores(z, classes);
    double[][] per = new double[classes.length][m];
    List<Map<String, Object>> details = new ArrayList<>();
    for (int k = 0; k < classes.length; k++) {
      for (int s = 0; s < m; s++) {
        per[k][s] = original[classes[k]] - scores[s][k];
      }
      details.add(Map.of("forwards", m));
    }
    return new Fitted(per, details);
  }
}
