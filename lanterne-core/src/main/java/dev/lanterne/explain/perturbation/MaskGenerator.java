package dev.lanterne.explain.perturbation;

import java.util.SplittableRandom;

/**
 * A family of masks of one size. Implement {@link #fill} to add a family: mask values are in
 * [0,1], 1 keeps a pixel, 0 replaces it by the fill.
 */
@FunctionalInterface
public interface MaskGenerator {
  /**
   * Writes mask number {@code index} (height*width values, row-major) into {@code out} from
   * {@code offset}. The same (index, rng state) must give the same mask: {@code rng} is seeded from
   * (seed, index) alone, so draw everything random from it.
   */
  void fill(long index, SplittableRandom rng, float[] out, int offset);

  /**
   * The expected mask value E[M(u)], the p of RISE's 1/(N p). It only scales the map; 0.5 unless
   * the family says otherwise.
   */
  default double meanValue() {
    return 0.5;
  }
}
