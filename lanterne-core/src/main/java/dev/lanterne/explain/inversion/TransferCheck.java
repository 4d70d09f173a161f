package dev.lanterne.explain.inversion;

import dev.lanterne.image.PilResize;
import dev.lanterne.image.Preprocessor;
import dev.lanterne.model.ModelCard;
import dev.lanterne.runtime.Classifier;
import java.awt.image.BufferedImage;

/**
 * Do generated images transfer? Each image is turned back into 8-bit RGB (as it would be saved),
 * resized to the other model's input size with PIL's antialiased bilinear filter, normalised for
 * the other model, and classified. An image "agrees" when the other model's top-1 is its target.
 */
public final class TransferCheck {
  private TransferCheck() {}

  /**
   * The other model's scores for the saved images.
   *
   * @param images n generated images [n,3,H,W], normalised for {@code from}
   * @return scores [n,K] of the other model
   */
  public static float[] scores(float[] images, int n, ModelCard from, Classifier other, ModelCard otherCard) {
    Preprocessor source = Preprocessor.forCard(from);
    Preprocessor target = Preprocessor.forCard(otherCard);
    int per = images.length / n;
    int[] chw = other.inputShape();
    int otherPer = chw[0] * chw[1] * chw[2];
    float[] batch = new float[n * otherPer];
    for (int i = 0; i < n; i++) {
      BufferedImage rgb = source.toImage(java.util.Arrays.copyOfRange(images, i * per, (i + 1) * per));
      BufferedImage small = PilResize.resize(rgb, otherCard.width(), otherCard.height());
      System.arraycopy(target.normalize(small), 0, batch, i * otherPer, otherPer);
    }
    return other.run(batch, n);
  }

  /** The 1-based rank of class c among the k scores of row i (1: top-1). */
  public static int rank(float[] scores, int i, int k, int c) {
    float v = scores[i * k + c];
    int r = 1;
    for (int j = 0; j < k; j++) {
      if (scores[i * k + j] > v) {
        r++;
      }
    }
    return r;
  }

  /** The other model's top-1 class for each image. */
  public static int[] top1(float[] images, int n, ModelCard from, Classifier other, ModelCard otherCard) {
    float[] scores = scores(images, n, from, other, otherCard);
    int k = other.numClasses();
    int[] top = new int[n];
    for (int i = 0; i < n; i++) {
      int best = 0;
      for (int c = 1; c < k; c++) {
        if (scores[i * k + c] > scores[i * k + best]) {
          best = c;
        }
      }
      top[i] = best;
    }
    return top;
  }

  /** The fraction of images whose other-model top-1 equals their target class. */
  public static double agreement(float[] images, int[] targets, ModelCard from, Classifier other,
      ModelCard otherCard) {
    int[] top = top1(images, targets.length, from, other, otherCard);
    int hits = 0;
    for (int i = 0; i < targets.length; i++) {
      if (top[i] == targets[i]) {
        hits++;
      }
    }
    return (double) hits / targets.length;
  }
}
