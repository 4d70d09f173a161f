package dev.lanterne.explain.perturbation;

import java.util.SplittableRandom;

/**
 * The first masks of a generator, drawn once and kept: a RISE instance that explains many images
 * (a batch run) draws its masks once instead of once per image. Masks depend only on (seed, index),
 * so a cached mask is bit-for-bit the mask the generator would draw; indices past the cache are
 * drawn as usual. Immutable after construction; safe to share between threads.
 */
final class CachedMasks implements MaskGenerator {
  /** Largest cache: 1000 masks at 224x224 take 200 MB; more masks than fit are drawn on the fly. */
  static final long MAX_BYTES = 256L << 20;

  private final MaskGenerator generator;
  private final int plane;
  private final int count;
  private final float[] values;
  final int height;
  final int width;
  final long seed;

  CachedMasks(MaskGenerator generator, long seed, long masks, int height, int width) {
    this.generator = generator;
    this.seed = seed;
    this.height = height;
    this.width = width;
    this.plane = height * width;
    this.count = (int) Math.min(masks, MAX_BYTES / Float.BYTES / plane);
    this.values = new float[count * plane];
    for (int i = 0; i < count; i++) {
      generator.fill(i, MaskSeeds.forMask(seed, i), values, i * plane);
    }
  }

  /** Masks held. */
  int count() {
    return count;
  }

  @Override
  public void fill(long index, SplittableRandom rng, float[] out, int offset) {
    if (index < count) {
      System.arraycopy(values, (int) index * plane, out, offset, plane);
    } else {
      generator.fill(index, rng, out, offset);
    }
  }

  @Override
  public double meanValue() {
    return generator.meanValue();
  }
}
