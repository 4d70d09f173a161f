package dev.lanterne.methods;

import dev.lanterne.explain.Attribution;
import dev.lanterne.explain.Explanation;
import dev.lanterne.explain.Images;
import dev.lanterne.explain.LanternModel;
import dev.lanterne.metrics.BaselineMaps;
import dev.lanterne.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Maps that ignore the model, as baselines a faithful method must beat: seeded uniform noise, a
 * centred Gaussian bump, and the image's edges.
 */
final class BaselineAttribution implements Attribution {
  private interface MapRule {
    float[] map(float[] image, int[] chw, long seed, int imageIndex, int classIndex);
  }

  private final String name;
  private final LanternModel model;
  private final long seed;
  private final MapRule rule;

  private BaselineAttribution(String name, LanternModel model, long seed, MapRule rule) {
    this.name = name;
    this.model = model;
    this.seed = seed;
    this.rule = rule;
  }

  static void addAll(Methods m) {
    add(m, "random", "uniform noise, seeded (a faithful method must beat it)",
        (image, chw, seed, i, c) -> BaselineMaps.random(chw[1], chw[2], seed * 0x9E3779B97F4A7C15L + i * 1_000_003L + c));
    add(m, "center", "a Gaussian bump at the centre (photographers' bias)",
        (image, chw, seed, i, c) -> BaselineMaps.center(chw[1], chw[2]));
    add(m, "edges", "image gradient magnitude, ignores the model (fails the sanity check)",
        (image, chw, seed, i, c) -> BaselineMaps.edges(image, chw[0], chw[1], chw[2]));
  }

  private static void add(Methods m, String name, String summary, MapRule rule) {
    m.add(new MethodInfo(name, "baseline", summary, List.of(),
        (model, s) -> new BaselineAttribution(name, model, s.seed(), rule)));
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public LanternModel model() {
    return model;
  }

  @Override
  public List<Explanation> attribute(Images images, int[][] classes) {
    int[] chw = images.chw();
    List<Explanation> out = new ArrayList<>();
    for (int i = 0; i < images.size(); i++) {
      for (int c : classes[i]) {
        Tensor t = new Tensor(rule.map(images.tensor(i), chw, seed, i, c), new int[] {chw[1], chw[2]});
        out.add(new Explanation(i, name, c, model.labels().get(c), Float.NaN, Float.NaN, t, null, Map.of()));
      }
    }
    return out;
  }
}
