package dev.lanterne.explain.gradient;

import dev.lanterne.explain.Explanation;
import dev.lanterne.model.Labels;
import dev.lanterne.model.ModelCard;
import dev.lanterne.tensor.Tensor;
import java.util.Map;

/**
 * Turns a model's output row into the class score, probability and label of an {@link Explanation}:
 * the score is the raw output (logit, or probability for models that output probabilities), the
 * probability is its softmax (or the output itself for probability models).
 *
 * @param labels class labels for the explanations
 * @param outputsProbabilities whether the outputs are probabilities already (no softmax)
 */
public record Scoring(Labels labels, boolean outputsProbabilities) {
  /** No labels, softmax over the raw outputs (logits). */
  public static final Scoring LOGITS = new Scoring(Labels.none(), false);

  /** Scoring for a model described by its card, with its labels. */
  public static Scoring of(ModelCard card, Labels labels) {
    return new Scoring(labels, card.outputsProbabilities());
  }

  /** The explanation of class k given the unperturbed scores row (offset into scores, K classes). */
  public Explanation explanation(int image, String method, int k, float[] scores, int row, int numClasses,
      Tensor map, Tensor raw, Map<String, Object> details) {
    int off = row * numClasses;
    float score = scores[off + k];
    float probability = outputsProbabilities ? score : softmax(scores, off, numClasses, k);
    return new Explanation(image, method, k, labels.get(k), score, probability, map, raw, details);
  }

  static float softmax(float[] scores, int off, int numClasses, int k) {
    return dev.lanterne.tensor.Softmax.at(scores, off, numClasses, k);
  }
}
