package dev.lanterne.explain.surrogate;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Fits one surrogate per class on the same coalitions. */
final class Surrogates {
  private Surrogates() {}

  static SegmentMethod.Fitted fitAll(double[][] scores, double[][] x, double[] w, WeightedLinearFit fit,
      int classes, int samples) {
    double[][] per = new double[classes][];
    List<Map<String, Object>> details = new ArrayList<>();
    double[] y = new double[scores.length];
    for (int k = 0; k < classes; k++) {
      for (int i = 0; i < scores.length; i++) {
        y[i] = scores[i][k];
      }
      WeightedLinearFit.Model model = fit.fit(x, y, w);
      per[k] = model.coefficients();
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("samples", samples);
      d.put("surrogate", fit.regularizer().name().toLowerCase(java.util.Locale.ROOT));
      d.put("alpha", fit.alpha());
      d.put("intercept", model.intercept());
      d.put("r2", model.r2());
      details.add(d);
    }
    return new SegmentMethod.Fitted(per, details);
  }
}
