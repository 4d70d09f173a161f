package dev.lanterne.explain.perturbation;

import dev.lanterne.LanterneException;
import dev.lanterne.image.Normalization;
import dev.lanterne.model.Labels;
import dev.lanterne.model.ModelCard;
import dev.lanterne.runtime.Classifier;

/**
 * A classifier as perturbation methods see it: pixel images [C,H,W] in [0,1] in, class scores out.
 * Normalisation happens here, after masking, as the model card says.
 *
 * @param classifier the model (not closed here)
 * @param normalization the model's normalisation of pixels in [0,1]
 * @param labels class labels for the explanations
 * @param outputsProbabilities whether the model already outputs probabilities (no softmax on top)
 */
public record BlackBox(Classifier classifier, Normalization normalization, Labels labels, boolean outputsProbabilities) {
  /**
   * Checks that the normalisation has one channel per model input channel.
   *
   * @throws dev.lanterne.LanterneException when it does not
   */
  public BlackBox {
    if (normalization.channels() != classifier.inputShape()[0]) {
      throw new LanterneException("the model card normalises " + normalization.channels() + " channels but "
          + classifier.name() + " takes " + classifier.inputShape()[0] + "; pass the card that matches the model");
    }
  }

  /** The black box of a classifier described by its card: its normalisation and output kind. */
  public static BlackBox of(Classifier classifier, ModelCard card, Labels labels) {
    return new BlackBox(classifier, Normalization.of(card), labels, card.outputsProbabilities());
  }

  /** Channels of one input image. */
  public int channels() {
    return classifier.inputShape()[0];
  }

  /** Input height in pixels. */
  public int height() {
    return classifier.inputShape()[1];
  }

  /** Input width in pixels. */
  public int width() {
    return classifier.inputShape()[2];
  }

  /** Number of class scores. */
  public int numClasses() {
    return classifier.numClasses();
  }

  /** Checks that pixels is one image [C,H,W] of this model's size. */
  void checkImage(float[] pixels) {
    int expected = channels() * height() * width();
    if (pixels.length != expected) {
      throw new LanterneException("the image has " + pixels.length + " values but " + classifier.name() + " takes "
          + channels() + "x" + height() + "x" + width() + " = " + expected + "; preprocess it to the model's input size");
    }
  }

  /** The raw model outputs [K] for one unperturbed image. */
  public float[] rawScores(float[] pixels) {
    checkImage(pixels);
    return classifier.run(normalization.apply(pixels), 1);
  }

  /** Softmax probabilities [K] from raw outputs (unchanged for a probability model). */
  public float[] probabilities(float[] raw) {
    float[] p = raw.clone();
    if (!outputsProbabilities) {
      softmaxRows(p, 1, raw.length);
    }
    return p;
  }

  /** Turns raw outputs [n,K] into the chosen score, in place. */
  void toScores(float[] raw, int n, ScoreKind kind) {
    if (kind == ScoreKind.PROBABILITY && !outputsProbabilities) {
      softmaxRows(raw, n, numClasses());
    }
  }

  static void softmaxRows(float[] x, int n, int k) {
    dev.lanterne.tensor.Softmax.rowsInPlace(x, n, k);
  }
}
