package dev.lanterne.explain.gradient;

import dev.lanterne.LanterneException;
import java.util.Locale;

/** How a per-channel attribution [C,H,W] becomes one map [H,W]. */
public enum ChannelReduction {
  /** Largest magnitude over the channels (Simonyan et al.); signed: that channel's value with its sign. */
  MAX,
  /** Sum of magnitudes; signed: plain sum. */
  SUM,
  /** Euclidean norm over the channels (always non-negative). */
  L2;

  /**
   * Reduces {@code values[offset .. offset + channels*plane)} over the channel axis.
   *
   * @param signed keep signs (MAX and SUM) instead of taking magnitudes
   * @return a new [plane] array
   */
  public float[] reduce(float[] values, int offset, int channels, int plane, boolean signed) {
    float[] out = new float[plane];
    for (int c = 0; c < channels; c++) {
      int base = offset + c * plane;
      for (int p = 0; p < plane; p++) {
        float v = values[base + p];
        switch (this) {
          case MAX -> {
            float best = out[p];
            if (c == 0 || Math.abs(v) > Math.abs(best)) {
              out[p] = signed ? v : Math.abs(v);
            }
          }
          case SUM -> out[p] += signed ? v : Math.abs(v);
          case L2 -> out[p] += v * v;
        }
      }
    }
    if (this == L2) {
      for (int p = 0; p < plane; p++) {
        out[p] = (float) Math.sqrt(out[p]);
      }
    }
    return out;
  }

  /**
   * A reduction by name (max, sum or l2), case-insensitive.
   *
   * @throws dev.lanterne.LanterneException (usage) for any other name
   */
  public static ChannelReduction parse(String name) {
    try {
      return valueOf(name.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw LanterneException.usage("unknown channel reduction '" + name + "'; use max, sum or l2");
    }
  }
}
