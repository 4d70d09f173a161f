package dev.lanterne.image;

import dev.lanterne.model.ModelCard;
import java.awt.image.BufferedImage;
import java.nio.file.Path;

/**
 * Turns a picture into the exact tensor a model sees, following its {@link ModelCard}: resize and
 * crop (PIL-style antialiased bilinear), scale to [0,1], subtract mean, divide by std.
 *
 * <p>"shorter-then-crop" is torchvision's {@code Resize(s)} then {@code CenterCrop(size)};
 * "crop-then-resize" takes the centred box of cropFraction of the largest box with the input's
 * aspect ratio (for a square input: a square of cropFraction times the shorter side) and resizes it
 * to the input size with PIL's {@code resize(size, BILINEAR, box)}.
 */
public final class Preprocessor {
  private static final double DEFAULT_CROP_FRACTION = 0.875;

  private final ModelCard card;

  private Preprocessor(ModelCard card) {
    this.card = card;
  }

  /** A preprocessor following the card's size, crop policy and normalisation. Stateless and thread-safe. */
  public static Preprocessor forCard(ModelCard card) {
    return new Preprocessor(card);
  }

  /** The card it follows. */
  public ModelCard card() {
    return card;
  }

  /**
   * An image as the model saw it and the tensor it gets.
   *
   * @param shown the RGB picture after resize and crop, at the model's input size
   * @param tensor the normalised tensor [3,H,W], channels first
   */
  public record Prepared(BufferedImage shown, float[] tensor) {}

  /** Decodes an image file and prepares it. */
  public Prepared prepare(Path imageFile) {
    return prepare(ImageDecoder.read(imageFile));
  }

  /** Prepares a decoded RGB image. */
  public Prepared prepare(BufferedImage image) {
    BufferedImage shown = resizeAndCrop(RgbConversion.toRgb(image));
    return new Prepared(shown, normalize(shown));
  }

  /** The image as the model sees it, before normalisation: resized and cropped to the input size. */
  public BufferedImage resizeAndCrop(BufferedImage image) {
    BufferedImage rgb = RgbConversion.toRgb(image);
    if (ModelCard.CROP_THEN_RESIZE.equals(card.resize())) {
      return cropThenResize(rgb);
    }
    int shorter = card.resizeShorter() != null ? card.resizeShorter()
        : (int) Math.round(Math.min(card.height(), card.width()) * 256.0 / 224.0);
    return centerCrop(resizeShorter(rgb, shorter), card.width(), card.height());
  }

  /** torchvision's {@code Resize(shorter)}: the shorter side becomes {@code shorter}, the other keeps the aspect. */
  static BufferedImage resizeShorter(BufferedImage rgb, int shorter) {
    int[] size = resizedSize(rgb.getWidth(), rgb.getHeight(), shorter);
    if (size[0] == rgb.getWidth() && size[1] == rgb.getHeight()) {
      return rgb;
    }
    return PilResize.resize(rgb, size[0], size[1]);
  }

  /** {width, height} after torchvision's Resize(shorter): the long side is int(shorter * long / short). */
  static int[] resizedSize(int width, int height, int shorter) {
    if (width <= height) {
      return new int[] {shorter, (int) ((double) ((long) shorter * height) / width)};
    }
    return new int[] {(int) ((double) ((long) shorter * width) / height), shorter};
  }

  /** torchvision's CenterCrop: offsets rounded half to even, zero padding where the image is too small. */
  static BufferedImage centerCrop(BufferedImage rgb, int cropW, int cropH) {
    int w = rgb.getWidth();
    int h = rgb.getHeight();
    int left = cropOffset(w, cropW);
    int top = cropOffset(h, cropH);
    if (left == 0 && top == 0 && w == cropW && h == cropH) {
      return rgb;
    }
    int[] src = RgbConversion.pixels(rgb);
    BufferedImage out = RgbConversion.newRgb(cropW, cropH);
    int[] dst = RgbConversion.pixels(out);
    for (int y = 0; y < cropH; y++) {
      int sy = y + top;
      if (sy < 0 || sy >= h) {
        continue;
      }
      for (int x = 0; x < cropW; x++) {
        int sx = x + left;
        if (sx >= 0 && sx < w) {
          dst[y * cropW + x] = src[sy * w + sx];
        }
      }
    }
    return out;
  }

  private static int cropOffset(int size, int crop) {
    if (crop > size) {
      return -((crop - size) / 2);
    }
    return (int) Math.rint((size - crop) / 2.0);
  }

  private BufferedImage cropThenResize(BufferedImage rgb) {
    double fraction = card.cropFraction() != null ? card.cropFraction() : DEFAULT_CROP_FRACTION;
    double w = rgb.getWidth();
    double h = rgb.getHeight();
    double aspect = (double) card.width() / card.height();
    double boxW = Math.min(w, h * aspect) * fraction;
    double boxH = Math.min(h, w / aspect) * fraction;
    double left = (w - boxW) / 2.0;
    double top = (h - boxH) / 2.0;
    return PilResize.resize(rgb, card.width(), card.height(),
        (float) left, (float) top, (float) (left + boxW), (float) (top + boxH));
  }

  /** Normalises an RGB image already at the input size into [3,H,W]. */
  public float[] normalize(BufferedImage rgbAtInputSize) {
    BufferedImage rgb = RgbConversion.toRgb(rgbAtInputSize);
    int w = card.width();
    int h = card.height();
    if (rgb.getWidth() != w || rgb.getHeight() != h) {
      throw new IllegalArgumentException("image is " + rgb.getWidth() + "x" + rgb.getHeight()
          + " but the model's input is " + w + "x" + h + "; resize and crop it first");
    }
    int[] pixels = RgbConversion.pixels(rgb);
    int plane = w * h;
    float[] out = new float[3 * plane];
    float[] mean = card.mean();
    float[] std = card.std();
    for (int c = 0; c < 3; c++) {
      // tensor channel c reads pixel channel c, or 2-c for Caffe's BGR models; mean/std follow the tensor
      int shift = 16 - 8 * (card.bgr() ? 2 - c : c);
      float m = mean[c];
      float s = std[c];
      int base = c * plane;
      for (int i = 0; i < plane; i++) {
        // float32 as torchvision: ToTensor divides by 255, Normalize subtracts then divides
        float v = ((pixels[i] >>> shift) & 0xFF) / 255f;
        out[base + i] = (v - m) / s;
      }
    }
    return out;
  }

  /** The inverse of {@link #normalize}: [3,H,W] back to an RGB image, values clipped to [0,255]. */
  public BufferedImage toImage(float[] chw) {
    int w = card.width();
    int h = card.height();
    int plane = w * h;
    if (chw.length != 3 * plane) {
      throw new IllegalArgumentException(
          "expected " + 3 * plane + " values for [3," + h + "," + w + "], got " + chw.length);
    }
    float[] mean = card.mean();
    float[] std = card.std();
    BufferedImage out = RgbConversion.newRgb(w, h);
    int[] dst = RgbConversion.pixels(out);
    for (int c = 0; c < 3; c++) {
      int shift = 16 - 8 * (card.bgr() ? 2 - c : c);
      for (int i = 0; i < plane; i++) {
        float v = (chw[c * plane + i] * std[c] + mean[c]) * 255f;
        int p = Float.isNaN(v) ? 0 : Math.max(0, Math.min(255, Math.round(v)));
        dst[i] |= p << shift;
      }
    }
    return out;
  }
}
