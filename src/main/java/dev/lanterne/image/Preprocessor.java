package dev.lanterne.image;

import dev.lanterne.model.ModelCard;
import java.awt.image.BufferedImage;
import java.nio.file.Path;

/**
 * Turns a picture into the exact tensor a model sees, following its {@link ModelCard}: resize and
 * crop (PIL-style antialiased bilinear), scale to [0,1], subtract mean, divide by std.
 */
public final class Preprocessor {
  private final ModelCard card;

  private Preprocessor(ModelCard card) {
    this.card = card;
  }

  public static Preprocessor forCard(ModelCard card) {
    return new Preprocessor(card);
  }

  public ModelCard card() {
    return card;
  }

  /** An image as the model saw it (after resize and crop) and its normalised tensor [3,H,W]. */
  public record Prepared(BufferedImage shown, float[] tensor) {}

  /** Decodes an image file and prepares it. */
  public Prepared prepare(Path imageFile) {
    throw new UnsupportedOperationException("not yet implemented");
  }

  /** Prepares a decoded RGB image. */
  public Prepared prepare(BufferedImage image) {
    throw new UnsupportedOperationException("not yet implemented");
  }

  /** Normalises an RGB image already at the input size into [3,H,W]. */
  public float[] normalize(BufferedImage rgbAtInputSize) {
    throw new UnsupportedOperationException("not yet implemented");
  }

  /** The inverse of {@link #normalize}: [3,H,W] back to an RGB image, values clipped to [0,255]. */
  public BufferedImage toImage(float[] chw) {
    throw new UnsupportedOperationException("not yet implemented");
  }
}
