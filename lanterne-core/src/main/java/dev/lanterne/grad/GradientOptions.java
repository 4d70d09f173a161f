package dev.lanterne.grad;

/**
 * What to compile.
 *
 * @param variant how ReLUs pass gradients back (all three graphs)
 * @param layer the Grad-CAM layer tensor, or null for the one feeding the last global pooling
 * @param normalizeInversion whether the inversion step divides the gradient by its mean absolute value per image
 */
public record GradientOptions(Variant variant, String layer, boolean normalizeInversion) {
  /** The true gradient, the default Grad-CAM layer, normalised inversion steps. */
  public static final GradientOptions DEFAULT = new GradientOptions(Variant.STANDARD, null, true);

  /** A null variant means {@link Variant#STANDARD}; a blank layer means the default one. */
  public GradientOptions {
    if (variant == null) {
      variant = Variant.STANDARD;
    }
    if (layer != null && layer.isBlank()) {
      layer = null;
    }
  }

  /** The same options with another backward variant. */
  public GradientOptions withVariant(Variant v) {
    return new GradientOptions(v, layer, normalizeInversion);
  }

  /** The same options with another Grad-CAM layer (null: the default). */
  public GradientOptions withLayer(String l) {
    return new GradientOptions(variant, l, normalizeInversion);
  }

  /** The same options, normalising the inversion step's gradient or not. */
  public GradientOptions withNormalizeInversion(boolean n) {
    return new GradientOptions(variant, layer, n);
  }

  /** A stable text form for cache keys. */
  public String key() {
    return "v" + GradientCompiler.VERSION + ";" + variant + ";" + (layer == null ? "" : layer) + ";" + normalizeInversion;
  }
}
