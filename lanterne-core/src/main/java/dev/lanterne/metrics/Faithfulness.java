package dev.lanterne.metrics;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The anchors' other metrics, applied together to one map: Captum's infidelity and (optionally,
 * as it re-runs the method ten times) max-sensitivity, pytorch-grad-cam's ROAD (MoRF, LeRF and
 * combined), and Quantus's complexity and sparseness. Names as in evaluation.csv:
 * {@link #NAMES}.
 */
public final class Faithfulness {
  /** Infidelity (lower is better). */
  public static final String INFIDELITY = "infidelity";
  /** Max-sensitivity (lower is better). */
  public static final String SENSITIVITY = "sensitivity_max";
  /** ROAD, most relevant first: mean probability change (lower is better). */
  public static final String ROAD_MORF = "road_morf";
  /** ROAD, least relevant first: mean probability change (higher is better). */
  public static final String ROAD_LERF = "road_lerf";
  /** ROAD combined, (LeRF - MoRF) / 2 (higher is better). */
  public static final String ROAD = "road";
  /** Entropy of the normalised map (lower: simpler). */
  public static final String COMPLEXITY = "complexity";
  /** Gini index of the map (higher: sparser). */
  public static final String SPARSENESS = "sparseness";
  /** Every metric name, in column order. */
  public static final List<String> NAMES = List.of(INFIDELITY, SENSITIVITY, ROAD_MORF, ROAD_LERF, ROAD, COMPLEXITY,
      SPARSENESS);

  /**
   * Which metrics run, and their settings.
   *
   * @param sensitivity also run max-sensitivity (10 more explanations per map)
   * @param infidelity infidelity's settings
   * @param sensitivityMax max-sensitivity's settings
   * @param road ROAD's settings
   */
  public record Settings(boolean sensitivity, Infidelity.Settings infidelity, SensitivityMax.Settings sensitivityMax,
      Road.Settings road) {
    /** Infidelity, ROAD, complexity and sparseness with their defaults; no max-sensitivity. */
    public static final Settings DEFAULTS = new Settings(false, Infidelity.Settings.DEFAULTS,
        SensitivityMax.Settings.DEFAULTS, Road.Settings.DEFAULTS);

    /** With max-sensitivity on or off. */
    public Settings withSensitivity(boolean on) {
      return new Settings(on, infidelity, sensitivityMax, road);
    }

    /** Every seed set to this one. */
    public Settings withSeed(long seed) {
      return new Settings(sensitivity, new Infidelity.Settings(infidelity.samples(), infidelity.noiseStd(),
          infidelity.normalize(), seed), new SensitivityMax.Settings(sensitivityMax.samples(),
          sensitivityMax.radius(), seed), new Road.Settings(road.fractions(), road.noise(), seed));
    }
  }

  private final Settings settings;
  private final Infidelity infidelity;
  private final SensitivityMax sensitivity;
  private final Road road;

  /**
   * @param model raw outputs of normalised inputs
   * @param chw one image's shape
   * @param outputsProbabilities whether the model outputs probabilities (ROAD applies softmax otherwise)
   */
  public Faithfulness(BatchScorer model, int[] chw, boolean outputsProbabilities, Settings settings) {
    this.settings = settings;
    this.infidelity = new Infidelity(model, chw, settings.infidelity());
    this.sensitivity = new SensitivityMax(settings.sensitivityMax());
    this.road = new Road(model, chw, outputsProbabilities, settings.road());
  }

  /** The settings. */
  public Settings settings() {
    return settings;
  }

  /**
   * Every metric of one map, by name (max-sensitivity only when asked and an explainer is given).
   *
   * @param image normalised [C,H,W]
   * @param map attribution [H,W]
   * @param explainer the method on a perturbed image, for max-sensitivity; may be null
   */
  public Map<String, Double> score(float[] image, float[] map, int classIndex, SensitivityMax.Explainer explainer) {
    Map<String, Double> out = new LinkedHashMap<>();
    out.put(INFIDELITY, infidelity.evaluate(image, map, classIndex));
    if (settings.sensitivity() && explainer != null) {
      out.put(SENSITIVITY, sensitivity.evaluate(image, map, explainer));
    }
    Road.Result r = road.evaluate(image, map, classIndex);
    out.put(ROAD_MORF, r.morfMean());
    out.put(ROAD_LERF, r.lerfMean());
    out.put(ROAD, r.combined());
    out.put(COMPLEXITY, MapComplexity.complexity(map));
    out.put(SPARSENESS, MapComplexity.sparseness(map));
    return out;
  }
}
