package dev.lanterne.runtime;

/**
 * How sessions are created.
 *
 * @param device CPU or CUDA
 * @param threads intra-op threads; 0 (the default) or the number of cores puts every such CPU session on one
 *     process-wide pool of a thread per core; another count gives each session a pool of its own
 * @param maxBatch the largest batch sent to ONNX Runtime in one call
 */
public record RuntimeOptions(Device device, int threads, int maxBatch) {
  /** CPU, the shared pool of a thread per core, batches of at most 32. */
  public static final RuntimeOptions DEFAULT = new RuntimeOptions(Device.CPU, 0, 32);

  /**
   * Checks the values.
   *
   * @throws IllegalArgumentException when threads is negative or maxBatch is below 1
   */
  public RuntimeOptions {
    if (threads < 0) {
      throw new IllegalArgumentException("threads must be >= 0");
    }
    if (maxBatch < 1) {
      throw new IllegalArgumentException("maxBatch must be >= 1");
    }
  }

  /** The same options on another device. */
  public RuntimeOptions withDevice(Device d) {
    return new RuntimeOptions(d, threads, maxBatch);
  }

  /** The same options with another number of intra-op threads (0: the shared pool of a thread per core). */
  public RuntimeOptions withThreads(int t) {
    return new RuntimeOptions(device, t, maxBatch);
  }

  /** The same options with another largest batch per ONNX Runtime call (at least 1). */
  public RuntimeOptions withMaxBatch(int b) {
    return new RuntimeOptions(device, threads, b);
  }
}
