package dev.lanterne.explain;

/**
 * One class of a classification: index, label, probability (softmax of the scores unless the model
 * outputs probabilities) and the raw score.
 *
 * @param classIndex the class
 * @param label its label ("class N" when the model has no labels)
 * @param probability softmax probability
 * @param score the raw model output (logit, or probability for probability models)
 */
public record Prediction(int classIndex, String label, float probability, float score) {}
