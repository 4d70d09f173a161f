package dev.lanterne.explain.perturbation;

import dev.lanterne.LanterneException;
import dev.lanterne.image.Normalization;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * Scores masked copies of one image, batch by batch, with the masks drawn on the fly: a producer
 * thread draws the masks of the next batch and composes the normalised inputs while ONNX Runtime
 * runs the current one. A fixed set of batch buffers circulates, so memory does not grow with the
 * number of masks; each mask's scores go to a {@link Sink} in mask order and are then forgotten.
 * Masks of a {@link SeparableMasks} family go to a {@link LineSink} as their lines, not whole: the
 * sink's work per mask then runs on a few rows, on the model's thread between two batches.
 */
final class MaskedBatchRunner {
  /** Batch buffers in circulation: one being drawn, one waiting, one being scored. */
  private static final int BUFFERS = 3;

  /** Receives every mask with its scores, in mask index order. */
  interface Sink {
    /**
     * @param masks the batch's masks; this one starts at maskOffset (height*width values)
     * @param scores the batch's scores [n,K]; this mask's row starts at scoreOffset
     * @return false to stop: no later mask is passed on
     */
    boolean accept(long index, float[] masks, int maskOffset, float[] scores, int scoreOffset);
  }

  /** A sink that takes the masks of a {@link SeparableMasks} family as their lines and phase. */
  interface LineSink extends Sink {
    /**
     * @param lines the batch's lines; this mask's lineCount lines of width values start at lineOffset
     * @param phase this mask's vertical phase
     * @return false to stop: no later mask is passed on
     */
    boolean acceptLines(long index, float[] lines, int lineOffset, int phase, float[] scores, int scoreOffset);
  }

  /**
   * @param used masks passed to the sink
   * @param seconds wall time of the whole run
   * @param modelSeconds time spent inside the model
   * @param drawSeconds time the producer spent drawing masks and composing inputs (overlaps the model)
   * @param accumulateSeconds time spent passing scores and masks to the sink
   * @param bufferBytes bytes of the batch buffers (independent of the number of masks)
   */
  record Result(long used, double seconds, double modelSeconds, double drawSeconds, double accumulateSeconds,
      long bufferBytes) {}

  private final BlackBox model;
  private final MaskGenerator masks;
  /** The masks as lines, when their family allows it; null otherwise. */
  private final SeparableMasks separable;
  private final long seed;
  private final int batch;
  private final ScoreKind scoreKind;
  private final int plane;
  private final int channels;
  /**
   * masked input = M * scale + offset, with scale = (x - fill)/std and offset = (fill - mean)/std; one
   * array per channel, read from index 0 (see {@link #compose}).
   */
  private final float[][] scale;
  private final float[][] offset;
  /** Written by the producer thread, read after it has been joined. */
  private volatile long drawNanos;

  MaskedBatchRunner(BlackBox model, float[] pixels, float[] fill, MaskGenerator masks, long seed, int batch,
      ScoreKind scoreKind) {
    model.checkImage(pixels);
    if (batch < 1) {
      throw new IllegalArgumentException("batch must be >= 1");
    }
    this.model = model;
    this.masks = masks;
    this.separable = masks instanceof SeparableMasks s ? s : null;
    this.seed = seed;
    this.batch = batch;
    this.scoreKind = scoreKind;
    this.channels = model.channels();
    this.plane = model.height() * model.width();
    this.scale = new float[channels][plane];
    this.offset = new float[channels][plane];
    Normalization norm = model.normalization();
    for (int c = 0; c < channels; c++) {
      float inv = 1f / norm.std()[c];
      float mean = norm.mean()[c];
      for (int u = 0; u < plane; u++) {
        int i = c * plane + u;
        scale[c][u] = (pixels[i] - fill[i]) * inv;
        offset[c][u] = (fill[i] - mean) * inv;
      }
    }
  }

  /** Bytes held by the batch buffers of this runner, when it passes masks to this sink. */
  private long bufferBytes(Sink sink) {
    return (long) BUFFERS * batch * (maskFloats(sink) + (long) plane * channels) * Float.BYTES;
  }

  /** Whether masks go to this sink as lines. */
  private boolean asLines(Sink sink) {
    return separable != null && sink instanceof LineSink;
  }

  /** Floats a batch keeps per mask for the sink: its lines, or the whole mask. */
  private int maskFloats(Sink sink) {
    return asLines(sink) ? separable.lineCount() * separable.width() : plane;
  }

  /**
   * One batch: its masks on the heap (the sink reads them) and its normalised inputs in a direct buffer
   * that ONNX Runtime reads in place, so that the model's thread copies nothing.
   */
  private static final class Batch {
    /** Idle batches of finished runs: a run per image would otherwise map and zero fresh buffers each time. */
    private static final ConcurrentLinkedDeque<Batch> IDLE = new ConcurrentLinkedDeque<>();
    private static final int IDLE_MAX = 2 * BUFFERS;

    /** Per mask: its lines, or the whole mask. */
    final float[] masks;
    /** Per mask: its vertical phase, when masks are kept as lines. */
    final int[] phases;
    final FloatBuffer input;
    long start;
    int n;
    Throwable error;

    Batch(int batch, int maskFloats, int plane, int channels) {
      masks = new float[batch * maskFloats];
      phases = new int[batch];
      input = ByteBuffer.allocateDirect(batch * plane * channels * Float.BYTES).order(ByteOrder.nativeOrder())
          .asFloatBuffer();
    }

    static Batch take(int batch, int maskFloats, int plane, int channels) {
      for (Batch b : IDLE) {
        if (b.masks.length == batch * maskFloats && b.phases.length == batch
            && b.input.capacity() == batch * plane * channels && IDLE.removeFirstOccurrence(b)) {
          return b;
        }
      }
      return new Batch(batch, maskFloats, plane, channels);
    }

    void give() {
      error = null;
      IDLE.addFirst(this);
      while (IDLE.size() > IDLE_MAX) {
        IDLE.pollLast();
      }
    }
  }

  Result run(long count, Sink sink, ProgressListener progress) {
    long t0 = System.nanoTime();
    BlockingQueue<Batch> free = new ArrayBlockingQueue<>(BUFFERS);
    BlockingQueue<Batch> filled = new ArrayBlockingQueue<>(BUFFERS + 1);
    List<Batch> mine = new ArrayList<>();
    boolean asLines = asLines(sink);
    int maskFloats = maskFloats(sink);
    for (int i = 0; i < BUFFERS; i++) {
      Batch b = Batch.take(batch, maskFloats, plane, channels);
      mine.add(b);
      free.add(b);
    }
    Batch end = new Batch(0, 0, 0, 0);
    Thread producer = new Thread(() -> produce(count, free, filled, end, asLines), "lanterne-masks");
    producer.setDaemon(true);
    producer.start();
    long used = 0;
    long modelNanos = 0;
    long sinkNanos = 0;
    drawNanos = 0;
    try {
      while (true) {
        Batch b = filled.take();
        if (b == end) {
          break;
        }
        if (b.error != null) {
          throw b.error instanceof RuntimeException re ? re : new IllegalStateException(b.error);
        }
        long m0 = System.nanoTime();
        float[] scores = model.classifier().run(b.input.duplicate().position(0).limit(b.n * plane * channels), b.n);
        modelNanos += System.nanoTime() - m0;
        model.toScores(scores, b.n, scoreKind);
        int k = model.numClasses();
        boolean go = true;
        long s0 = System.nanoTime();
        for (int i = 0; i < b.n && go; i++) {
          go = asLines
              ? ((LineSink) sink).acceptLines(b.start + i, b.masks, i * maskFloats, b.phases[i], scores, i * k)
              : sink.accept(b.start + i, b.masks, i * plane, scores, i * k);
          used++;
        }
        sinkNanos += System.nanoTime() - s0;
        free.put(b);
        progress.progress(used, count);
        if (!go) {
          break;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LanterneException("interrupted while scoring masks", e);
    } finally {
      producer.interrupt();
      try {
        producer.join();
        // no thread touches the batches any more: the next run may reuse them
        mine.forEach(Batch::give);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    return new Result(used, (System.nanoTime() - t0) / 1e9, modelNanos / 1e9, drawNanos / 1e9, sinkNanos / 1e9,
        bufferBytes(sink));
  }

  private void produce(long count, BlockingQueue<Batch> free, BlockingQueue<Batch> filled, Batch end,
      boolean asLines) {
    float[] mask = new float[plane];
    float[] row = new float[plane];
    float[][] lines = asLines ? new float[separable.lineCount()][separable.width()] : null;
    try {
      for (long start = 0; start < count; start += batch) {
        Batch b = free.take();
        b.start = start;
        b.n = (int) Math.min(batch, count - start);
        long d0 = System.nanoTime();
        try {
          draw(b, mask, row, lines);
        } catch (RuntimeException | Error e) {
          b.error = e;
          filled.put(b);
          return;
        }
        drawNanos += System.nanoTime() - d0;
        filled.put(b);
      }
      filled.put(end);
    } catch (InterruptedException e) {
      // the consumer stopped early; nothing more to draw
    }
  }

  /**
   * Draws the batch's masks and composes its normalised inputs, one plane at a time: each mask is drawn
   * into a scratch array of its own and copied to the batch (whole, or its lines when lines is given),
   * each plane composed into a scratch row and copied to the direct buffer.
   */
  private void draw(Batch b, float[] mask, float[] row, float[][] lines) {
    int per = plane * channels;
    for (int i = 0; i < b.n; i++) {
      long index = b.start + i;
      SplittableRandom rng = MaskSeeds.forMask(seed, index);
      if (lines == null) {
        masks.fill(index, rng, mask, 0);
        System.arraycopy(mask, 0, b.masks, i * plane, plane);
      } else {
        int phase = separable.fillLines(index, rng, lines);
        separable.expand(lines, phase, mask, 0);
        b.phases[i] = phase;
        int width = separable.width();
        for (int l = 0; l < lines.length; l++) {
          System.arraycopy(lines[l], 0, b.masks, (i * lines.length + l) * width, width);
        }
      }
      for (int c = 0; c < channels; c++) {
        compose(row, mask, scale[c], offset[c]);
        b.input.put(i * per + c * plane, row, 0, plane);
      }
    }
  }

  /**
   * row = mask * scale + offset. Every array is read from index 0: the JIT vectorises this loop, and
   * not the same loop over a mask at a running offset into the batch (2.5-3x slower, measured).
   */
  private static void compose(float[] row, float[] mask, float[] scale, float[] offset) {
    for (int u = 0; u < row.length; u++) {
      row[u] = mask[u] * scale[u] + offset[u];
    }
  }
}
