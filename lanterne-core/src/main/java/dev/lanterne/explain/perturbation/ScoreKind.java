package dev.lanterne.explain.perturbation;

import dev.lanterne.LanterneException;
import java.util.Locale;

/** Which class score a perturbation method weighs its masks with. */
public enum ScoreKind {
  /** The softmax probability (RISE's choice); a model that outputs probabilities is used as is. */
  PROBABILITY,
  /** The raw model output (the logit for a logits model). */
  LOGIT;

  /**
   * A score by name: probability (or prob, softmax) or logit (or logits, raw), case-insensitive.
   *
   * @throws dev.lanterne.LanterneException (usage) for any other name
   */
  public static ScoreKind parse(String s) {
    return switch (s.toLowerCase(Locale.ROOT)) {
      case "probability", "prob", "softmax" -> PROBABILITY;
      case "logit", "logits", "raw" -> LOGIT;
      default -> throw LanterneException.usage("score", "unknown score '" + s + "'; use probability or logit");
    };
  }
}
