package dev.lanterne.runtime;

import dev.lanterne.LanterneException;

/**
 * The model returned NaN or infinite class scores: a map or a score computed from them would be
 * meaningless, so Lanterne stops. Carries which image of the call it was, so that the caller can name it.
 */
public final class NonFiniteScoresException extends LanterneException {
  private final int image;
  private final int batch;

  /**
   * @param image index of the image in the call, from 0
   * @param batch number of images in the call
   */
  public NonFiniteScoresException(int image, int batch) {
    super(message("image " + (image + 1) + " of " + batch));
    this.image = image;
    this.batch = batch;
  }

  /** The message naming the image by its name. */
  public static String message(String which) {
    return "the model returned NaN or infinite scores for " + which + "; check the model (and its input"
        + " preprocessing): Lanterne explains finite scores only";
  }

  /** Index of the image in the call, from 0. */
  public int image() {
    return image;
  }

  /** Number of images in the call. */
  public int batch() {
    return batch;
  }
}
