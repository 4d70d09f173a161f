package dev.lanterne.explain.inversion;

import dev.lanterne.model.ModelCard;
import dev.lanterne.runtime.Classifier;
import java.util.ArrayList;
import java.util.List;

/**
 * The numbers that compare inversion runs (e.g. with and without regularisation): per class the
 * final probability, the high-frequency energy and the other model's top-1 on the saved image.
 *
 * @param name what the run was ("regularised", "unregularised", ...)
 * @param rows one row per generated image
 */
public record InversionSummary(String name, List<Row> rows) {
  /**
   * @param target the class the image was optimised for
   * @param probability its final probability under the inverted model
   * @param highFrequency {@link HighFrequencyEnergy#fraction} of the final image
   * @param transferTop1 the other model's top-1 class for the saved image
   * @param transferRank the target's 1-based rank among the other model's scores
   */
  public record Row(int target, float probability, double highFrequency, int transferTop1, int transferRank) {
    /** Whether the other model's top-1 class is the target. */
    public boolean transfers() {
      return transferTop1 == target;
    }
  }

  /**
   * @param trace the run
   * @param targets the class of each image
   * @param card the inverted model's card (for denormalising)
   * @param other the model the images are transferred to (e.g. MobileNetV1 0.25)
   */
  public static InversionSummary of(String name, AscentTrace trace, int[] targets, ModelCard card, Classifier other,
      ModelCard otherCard) {
    float[] scores = TransferCheck.scores(trace.images(), trace.n(), card, other, otherCard);
    int k = other.numClasses();
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < trace.n(); i++) {
      double hf = HighFrequencyEnergy.fraction(HighFrequencyEnergy.toPixels(trace.image(i), card.mean(), card.std()),
          card.height(), card.width());
      int top = 0;
      for (int c = 1; c < k; c++) {
        top = scores[i * k + c] > scores[i * k + top] ? c : top;
      }
      rows.add(new Row(targets[i], trace.finalProbability(i), hf, top, TransferCheck.rank(scores, i, k, targets[i])));
    }
    return new InversionSummary(name, List.copyOf(rows));
  }

  /** Mean high-frequency energy fraction over the images, or NaN without rows. */
  public double meanHighFrequency() {
    return rows.stream().mapToDouble(Row::highFrequency).average().orElse(Double.NaN);
  }

  /** The fraction of images the other model classifies as their target. */
  public double transferAgreement() {
    return rows.isEmpty() ? Double.NaN : rows.stream().filter(Row::transfers).count() / (double) rows.size();
  }

  /** The fraction of images whose target is among the other model's top 5. */
  public double transferTop5() {
    return rows.isEmpty() ? Double.NaN : rows.stream().filter(r -> r.transferRank() <= 5).count()
        / (double) rows.size();
  }

  /** The mean 1-based rank of the targets under the other model (1000 classes: 500.5 is chance). */
  public double meanTransferRank() {
    return rows.stream().mapToInt(Row::transferRank).average().orElse(Double.NaN);
  }

  /** How many images reached a final probability above p. */
  public long countAbove(double p) {
    return rows.stream().filter(r -> r.probability() > p).count();
  }

  /** Mean high-frequency energy of this run divided by another's (below 1: this run is smoother). */
  public double highFrequencyRatio(InversionSummary other) {
    return meanHighFrequency() / other.meanHighFrequency();
  }
}
