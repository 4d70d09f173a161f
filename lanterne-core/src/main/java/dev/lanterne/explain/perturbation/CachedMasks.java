package dev.lanterne.explain.perturbation;

import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The first masks of a generator, kept once drawn: a RISE instance that explains many images (a batch
 * run) draws its masks once instead of once per image (it keeps them from its second image on, see
 * Rise). A mask is drawn where it is first needed (on the producer thread, while the model scores the
 * previous batch), not all up front. Masks depend only on (seed, index), so a cached mask is bit-for-bit the
 * mask the generator would draw; indices past the cache are drawn as usual. Safe to share between
 * threads: a mask is published by a volatile state write after its values.
 */
final class CachedMasks implements MaskGenerator {
  /** Largest cache: 1000 masks at 224x224 take 200 MB; more masks than fit are drawn on the fly. */
  static final long MAX_BYTES = 256L << 20;
  /** Masks per storage block, allocated when its first mask is kept (memory follows use). */
  private static final int BLOCK = 16;
  private static final int ABSENT = 0;
  private static final int DRAWING = 1;
  private static final int READY = 2;

  private final MaskGenerator generator;
  private final int plane;
  private final int count;
  private final AtomicReferenceArray<float[]> blocks;
  private final AtomicIntegerArray state;
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
    this.blocks = new AtomicReferenceArray<>((count + BLOCK - 1) / BLOCK);
    this.state = new AtomicIntegerArray(count);
  }

  /** Masks the cache can hold. */
  int count() {
    return count;
  }

  @Override
  public void fill(long index, SplittableRandom rng, float[] out, int offset) {
    if (index >= count) {
      generator.fill(index, rng, out, offset);
      return;
    }
    int i = (int) index;
    int s = state.get(i);
    if (s == READY) {
      System.arraycopy(blocks.get(i / BLOCK), (i % BLOCK) * plane, out, offset, plane);
      return;
    }
    generator.fill(index, rng, out, offset);
    // the first thread to draw it keeps it; one drawing it at the same time just uses its own copy
    if (s == ABSENT && state.compareAndSet(i, ABSENT, DRAWING)) {
      System.arraycopy(out, offset, block(i / BLOCK), (i % BLOCK) * plane, plane);
      state.set(i, READY);
    }
  }

  private float[] block(int b) {
    float[] values = blocks.get(b);
    if (values == null) {
      blocks.compareAndSet(b, null, new float[Math.min(BLOCK, count - b * BLOCK) * plane]);
      values = blocks.get(b);
    }
    return values;
  }

  @Override
  public double meanValue() {
    return generator.meanValue();
  }
}
