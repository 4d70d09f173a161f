package dev.lanterne.explain;

import dev.lanterne.tensor.Tensor;
import java.util.Map;

/**
 * One attribution map: which input, which method, which class, and the map itself.
 *
 * @param image index of the input image in the call
 * @param method method name as shown in titles and JSON ("saliency", "smoothgrad", "gradcam", "rise", ...)
 * @param classIndex the explained class
 * @param label the class label
 * @param score the class score of the unperturbed input (logit, or probability for probability models)
 * @param probability softmax probability of the class for the unperturbed input
 * @param map raw (unnormalised) attribution [H,W] at the model's input size
 * @param raw optional raw signed attribution [C,H,W] (e.g. the input gradient), or null
 * @param details method-specific numbers for explanations.json (masks used, completeness gap, time...)
 */
public record Explanation(
    int image,
    String method,
    int classIndex,
    String label,
    float score,
    float probability,
    Tensor map,
    Tensor raw,
    Map<String, Object> details) {

  /** The same explanation recorded for another image index. */
  public Explanation withImage(int index) {
    return new Explanation(index, method, classIndex, label, score, probability, map, raw, details);
  }

  /** Map height. */
  public int height() {
    return map.shape()[0];
  }

  /** Map width. */
  public int width() {
    return map.shape()[1];
  }
}
