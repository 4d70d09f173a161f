package dev.lanterne.grad;

/**
 * What to compile.
 *
 * @param variant how ReLUs pass gradients back (all three graphs)
 * @param layer the Grad-CAM layer tensor, or null for the one feeding the last global pooling
 * @param normalizeInversion whether the inversion step divides the gradient by its mean absolute value per image
 */
public record GradientOptions(Variant variant, String layer, boolean normalizeInversion) {
  public static final GradientOptions DEFAULT = new GradientOptions(Variant.STANDARD, null, true);

  public GradientOptions {
    if (variant == null) {
      variant = Variant.STANDARD;
    }
    if (layer != null && layer.isBlank()) {
      layer = null;
    }
  }

  public GradientOptions withVariant(Variant v) {
    return new GradientOptions(v, layer, normalizeInversion);
  }

  public GradientOptions withLayer(String l) {
    return new GradientOptions(variant, l, normalizeInversion);
  }

  public GradientOptions withNormalizeInversion(boolean n) {
    return new GradientOptions(variant, layer, n);
  }

  /** A stable text form for cache keys. */
  public String key() {
    return "v" + GradientCompiler.VERSION + ";" + variant + ";" + (layer == null ? "" : layer) + ";" + normalizeInversion;
  }
}
