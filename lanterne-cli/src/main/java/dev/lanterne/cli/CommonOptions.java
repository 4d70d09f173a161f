package dev.lanterne.cli;

import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/**
 * The one vocabulary every command shares. A flag means the same thing everywhere:
 * --model, --card/--preprocess, --image/--tensor, --class, --out, --seed, --device, --verbose.
 */
public final class CommonOptions {
  private CommonOptions() {}

  public static final String MODEL = "model";
  public static final String CARD = "card";
  public static final String PREPROCESS = "preprocess";
  public static final String IMAGE = "image";
  public static final String TENSOR = "tensor";
  public static final String CLASS = "class";
  public static final String OUT = "out";
  public static final String SEED = "seed";
  public static final String DEVICE = "device";
  public static final String VERBOSE = "verbose";
  public static final String THREADS = "threads";
  public static final String BATCH = "batch";
  public static final String LABELS = "labels";
  public static final String HELP = "help";
  public static final String SIZE = "size";
  public static final String DISPLAY = "display";
  public static final String SIGN = "sign";
  public static final String CLIP = "clip";
  public static final String COLORMAP = "colormap";
  public static final String CMAP = "cmap";
  public static final String OPACITY = "opacity";
  public static final String ORIGIN = "origin";
  public static final String SHARED_SCALE = "shared-scale";
  public static final String NO_SHARED_SCALE = "no-shared-scale";

  /** --model, --card, --preprocess, --size, --labels, --device, --threads, --batch, --verbose, --help. */
  public static Options model(Options o) {
    o.addOption(Option.builder().longOpt(MODEL).hasArg().argName("FILE")
        .desc("ONNX image classifier (default: the built-in demo model)").build());
    o.addOption(Option.builder().longOpt(CARD).hasArg().argName("FILE")
        .desc("model card JSON: input size, resize/crop, mean/std, labels (see onnx/README.md)").build());
    o.addOption(Option.builder().longOpt(PREPROCESS).hasArg().argName("PRESET")
        .desc("preprocessing preset when no card is known: torchvision or inception").build());
    o.addOption(Option.builder().longOpt(SIZE).hasArg().argName("HxW")
        .desc("input height and width for a model whose input size is symbolic (or give a card)").build());
    o.addOption(Option.builder().longOpt(LABELS).hasArg().argName("FILE")
        .desc("label file, one label per line (line N+1 is class N)").build());
    o.addOption(Option.builder().longOpt(DEVICE).hasArg().argName("DEV")
        .desc("cpu (default) or cuda (needs the cuda build)").build());
    o.addOption(Option.builder().longOpt(THREADS).hasArg().argName("N")
        .desc("ONNX Runtime intra-op threads (default: one per core)").build());
    o.addOption(Option.builder().longOpt(BATCH).hasArg().argName("B")
        .desc("largest batch sent to ONNX Runtime in one call (default 32)").build());
    o.addOption(Option.builder().longOpt(VERBOSE).desc("print stack traces and details").build());
    o.addOption(Option.builder("h").longOpt(HELP).desc("show this help").build());
    return o;
  }

  /** --image and --tensor (one or more each). */
  public static Options inputs(Options o) {
    o.addOption(Option.builder().longOpt(IMAGE).hasArgs().argName("FILE...")
        .desc("image file(s): PNG, JPEG, BMP, GIF, WebP, TIFF").build());
    o.addOption(Option.builder().longOpt(TENSOR).hasArgs().argName("NPY...")
        .desc("preprocessed float32 input(s) [3,H,W] or [N,3,H,W] as .npy").build());
    return o;
  }

  /** --class (indices, or topK). */
  public static Options classes(Options o) {
    o.addOption(Option.builder().longOpt(CLASS).hasArgs().argName("C...")
        .desc("class indices to explain, or topK (default: the predicted class)").build());
    return o;
  }

  public static Options out(Options o, boolean required) {
    o.addOption(Option.builder().longOpt(OUT).hasArg().argName("DIR").required(required)
        .desc("output folder").build());
    return o;
  }

  public static Options seed(Options o) {
    o.addOption(Option.builder().longOpt(SEED).hasArg().argName("N").desc("random seed (default 0)").build());
    return o;
  }

  /**
   * How maps are drawn, as Captum's visualize_image_attr: --display, --sign, --clip, --colormap
   * (alias --cmap), --opacity, --origin, --shared-scale / --no-shared-scale.
   */
  public static Options display(Options o) {
    o.addOption(Option.builder().longOpt(DISPLAY).hasArg().argName("MODE")
        .desc("heat (the colour map alone), blended (default: over the grey image), masked (image times map)"
            + " or alpha (map as the image's opacity)").build());
    o.addOption(Option.builder().longOpt(SIGN).hasArg().argName("SIGN")
        .desc("abs, positive, negative or all (signed, diverging colours, zero = white); default: all when a"
            + " map has negative values, else abs").build());
    o.addOption(Option.builder().longOpt(CLIP).hasArg().argName("PCT")
        .desc("saturate the top PCT% of the attribution mass (cumulative sum, as Captum; default 2, 0 = none)")
        .build());
    o.addOption(Option.builder().longOpt(COLORMAP).hasArg().argName("MAP")
        .desc("inferno (default), viridis, hot, jet, gray, or seismic (default for signed maps), bwr").build());
    o.addOption(Option.builder().longOpt(CMAP).hasArg().argName("MAP").desc("same as --colormap").build());
    o.addOption(Option.builder().longOpt(OPACITY).hasArg().argName("A")
        .desc("opacity of the colours over the image for --display blended, 0 to 1 (default 0.5)").build());
    o.addOption(Option.builder().longOpt(ORIGIN).hasArg().argName("O")
        .desc("where an unsigned scale starts: zero, min or auto (default: min for maps far from zero, as RISE's)")
        .build());
    o.addOption(Option.builder().longOpt(SHARED_SCALE)
        .desc("one colour scale for the maps of one image and method (default when several classes are shown)")
        .build());
    o.addOption(Option.builder().longOpt(NO_SHARED_SCALE).desc("one colour scale per map").build());
    return o;
  }

  /** The usual set: model, inputs, classes, out, seed. */
  public static Options standard(boolean outRequired) {
    Options o = new Options();
    model(o);
    inputs(o);
    classes(o);
    out(o, outRequired);
    seed(o);
    return o;
  }
}
