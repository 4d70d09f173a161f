package dev.lanterne.grad;

import dev.lanterne.LanterneException;
import java.util.Locale;

/** How ReLU passes gradients backwards. */
public enum Variant {
  /** The true gradient. */
  STANDARD,
  /** Guided backpropagation: only positive gradients, and only where the ReLU input was positive. */
  GUIDED,
  /** Deconvnet: only positive gradients, whatever the ReLU input was. */
  DECONVNET;

  public static Variant parse(String s) {
    if (s == null) {
      return STANDARD;
    }
    return switch (s.toLowerCase(Locale.ROOT)) {
      case "standard", "gradient" -> STANDARD;
      case "guided" -> GUIDED;
      case "deconvnet" -> DECONVNET;
      default -> throw LanterneException.usage("unknown backward variant '" + s
          + "'; use standard, guided or deconvnet");
    };
  }
}
