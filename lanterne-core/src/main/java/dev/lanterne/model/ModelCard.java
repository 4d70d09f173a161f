package dev.lanterne.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lanterne.LanterneException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * What a model needs to be used correctly: input size, resize and crop policy, normalisation,
 * labels, whether it outputs logits or probabilities, and where it comes from.
 *
 * @param name short model name
 * @param sha256 SHA-256 of the .onnx file this card describes (hex), or null for a generic card
 * @param file file name of the model, as distributed
 * @param inputSize {height, width} the model expects
 * @param resize "shorter-then-crop" (resize the shorter side to resizeShorter, then centre crop) or
 *     "crop-then-resize" (centre crop cropFraction of the shorter side, then resize to inputSize)
 * @param resizeShorter target of the shorter side for "shorter-then-crop"
 * @param cropFraction the fraction of the shorter side kept by "crop-then-resize"
 * @param mean per-channel mean subtracted after scaling pixels to [0,1]
 * @param std per-channel standard deviation divided after subtracting the mean
 * @param labels label file (one label per line, line N+1 is class N), relative to the card, or "imagenet"
 * @param output "logits" or "probabilities"
 * @param source where the model comes from
 * @param license its licence
 * @param url download address for `lanterne fetch`, or null
 * @param channelOrder "RGB" (default) or "BGR" (Caffe models)
 * @param inputLayout "NCHW" (default: channels first, PyTorch) or "NHWC" (channels last, Keras through
 *     tf2onnx); Lanterne guesses it from the input's shape when a card does not say, and records it
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ModelCard(
    String name,
    String sha256,
    String file,
    int[] inputSize,
    String resize,
    Integer resizeShorter,
    Double cropFraction,
    float[] mean,
    float[] std,
    String labels,
    String output,
    String source,
    String license,
    String url,
    String channelOrder,
    String inputLayout) {

  /**
   * {@link #resize()} policy: resize the shorter side to {@link #resizeShorter()}, then centre crop to the
   * input size.
   */
  public static final String SHORTER_THEN_CROP = "shorter-then-crop";
  /**
   * {@link #resize()} policy: centre crop {@link #cropFraction()} of the shorter side, then resize to the
   * input size.
   */
  public static final String CROP_THEN_RESIZE = "crop-then-resize";
  private static final float[] IMAGENET_MEAN = {0.485f, 0.456f, 0.406f};
  private static final float[] IMAGENET_STD = {0.229f, 0.224f, 0.225f};
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Checks the card and fills the defaults: resize "shorter-then-crop", output "logits", channel order "RGB";
   * the input layout is upper-cased.
   *
   * @throws IllegalArgumentException when inputSize is not two positive values, mean or std do not have three
   *     values, or resize, output, channelOrder or inputLayout is not one of the accepted values
   */
  public ModelCard {
    if (inputSize == null || inputSize.length != 2 || inputSize[0] < 1 || inputSize[1] < 1) {
      throw new IllegalArgumentException("a model card needs inputSize [height, width]");
    }
    if (resize == null) {
      resize = SHORTER_THEN_CROP;
    }
    if (!resize.equals(SHORTER_THEN_CROP) && !resize.equals(CROP_THEN_RESIZE)) {
      throw new IllegalArgumentException("resize must be " + SHORTER_THEN_CROP + " or " + CROP_THEN_RESIZE);
    }
    if (mean == null || mean.length != 3 || std == null || std.length != 3) {
      throw new IllegalArgumentException("a model card needs mean and std with 3 values each");
    }
    if (output == null) {
      output = "logits";
    }
    if (channelOrder == null) {
      channelOrder = "RGB";
    }
    if (!channelOrder.equals("RGB") && !channelOrder.equals("BGR")) {
      throw new IllegalArgumentException("channelOrder must be RGB or BGR");
    }
    if (!output.equals("logits") && !output.equals("probabilities")) {
      throw new IllegalArgumentException("output must be logits or probabilities");
    }
    if (inputLayout != null) {
      inputLayout = inputLayout.toUpperCase(Locale.ROOT);
      if (!inputLayout.equals("NCHW") && !inputLayout.equals("NHWC")) {
        throw new IllegalArgumentException("inputLayout must be NCHW or NHWC");
      }
    }
  }

  /** A card without a declared input layout (Lanterne reads it from the model). */
  public ModelCard(String name, String sha256, String file, int[] inputSize, String resize, Integer resizeShorter,
      Double cropFraction, float[] mean, float[] std, String labels, String output, String source, String license,
      String url, String channelOrder) {
    this(name, sha256, file, inputSize, resize, resizeShorter, cropFraction, mean, std, labels, output, source,
        license, url, channelOrder, null);
  }

  /** A card in RGB channel order. */
  public ModelCard(String name, String sha256, String file, int[] inputSize, String resize, Integer resizeShorter,
      Double cropFraction, float[] mean, float[] std, String labels, String output, String source, String license,
      String url) {
    this(name, sha256, file, inputSize, resize, resizeShorter, cropFraction, mean, std, labels, output, source,
        license, url, "RGB");
  }

  /** Whether the model expects channels in BGR order (Caffe models) rather than RGB. */
  public boolean bgr() {
    return "BGR".equals(channelOrder);
  }

  /** torchvision's preset: shorter side to 256/224 of the input, centre crop, ImageNet mean and std. */
  public static ModelCard torchvision(int height, int width) {
    int shorter = (int) Math.round(Math.min(height, width) * 256.0 / 224.0);
    return new ModelCard("torchvision-preset", null, null, new int[] {height, width}, SHORTER_THEN_CROP, shorter,
        null, IMAGENET_MEAN.clone(), IMAGENET_STD.clone(), "imagenet", "logits", null, null, null);
  }

  /** Inception's preset: centre crop 87.5% of the shorter side, bilinear resize, scale to [-1, 1]. */
  public static ModelCard inception(int height, int width) {
    return new ModelCard("inception-preset", null, null, new int[] {height, width}, CROP_THEN_RESIZE, null, 0.875,
        new float[] {0.5f, 0.5f, 0.5f}, new float[] {0.5f, 0.5f, 0.5f}, "imagenet", "logits", null, null, null);
  }

  /** A preset by name ("torchvision" or "inception") at the given input size. */
  public static ModelCard preset(String name, int height, int width) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "torchvision" -> torchvision(height, width);
      case "inception" -> inception(height, width);
      default -> throw LanterneException.usage("preprocess",
          "unknown preprocessing preset '" + name + "'; use torchvision or inception, or give a model card");
    };
  }

  /** Input height in pixels. */
  public int height() {
    return inputSize[0];
  }

  /** Input width in pixels. */
  public int width() {
    return inputSize[1];
  }

  /**
   * Whether the model's output is already probabilities (softmax applied), so Lanterne must not apply softmax
   * again.
   */
  public boolean outputsProbabilities() {
    return "probabilities".equals(output);
  }

  /** The same card for another input size (keeps the policy; rescales resizeShorter). */
  public ModelCard withInputSize(int height, int width) {
    Integer shorter = resizeShorter == null ? null
        : (int) Math.round(resizeShorter * (double) Math.min(height, width) / Math.min(height(), width()));
    return new ModelCard(name, sha256, file, new int[] {height, width}, resize, shorter, cropFraction, mean, std,
        labels, output, source, license, url, channelOrder, inputLayout);
  }

  /** The same card recording the model's input layout ("NCHW" or "NHWC"). */
  public ModelCard withInputLayout(String layout) {
    return new ModelCard(name, sha256, file, inputSize, resize, resizeShorter, cropFraction, mean, std, labels,
        output, source, license, url, channelOrder, layout);
  }

  /**
   * Reads a card from a JSON file; unknown fields are ignored.
   *
   * @throws dev.lanterne.LanterneException when the file cannot be read or is not a valid card
   */
  public static ModelCard read(Path file) {
    try {
      return JSON.readValue(file.toFile(), ModelCard.class);
    } catch (IOException | IllegalArgumentException e) {
      throw new LanterneException("cannot read model card " + file + " (" + e.getMessage().lines().findFirst().orElse("")
          + "); a card is JSON with inputSize, resize, mean, std, labels and output, see onnx/README.md", e);
    }
  }

  /** The card as pretty-printed JSON, without null fields; {@link #read(Path)} reads it back. */
  public String toJson() {
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(this);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
