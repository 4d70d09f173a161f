package dev.lanterne.cli;

import dev.lanterne.LanterneException;
import dev.lanterne.explain.Images;
import dev.lanterne.explain.LanternModel;
import dev.lanterne.explain.ModelDescription;
import dev.lanterne.explain.Target;
import dev.lanterne.explain.Explanation;
import dev.lanterne.explain.ExplanationWriter;
import dev.lanterne.image.ColorMap;
import dev.lanterne.image.Overlay;
import dev.lanterne.image.Preprocessor;
import dev.lanterne.model.Labels;
import dev.lanterne.onnx.ImageInput;
import dev.lanterne.onnx.OnnxModels;
import dev.lanterne.onnx.proto.Onnx;
import dev.lanterne.runtime.Device;
import dev.lanterne.runtime.RuntimeOptions;
import dev.lanterne.tensor.AtomicFiles;
import dev.lanterne.tensor.OutputFolder;
import dev.lanterne.tensor.Npy;
import dev.lanterne.tensor.Tensor;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.commons.cli.CommandLine;

/** What every command needs from the shared flags: the model, the inputs, the classes, the output folder. */
public final class CliSupport {
  private CliSupport() {}

  /**
   * --device, --threads, --batch. More threads than cores only slow ONNX Runtime down (and thousands
   * hang it), so --threads is capped at the number of cores, with a warning.
   */
  public static RuntimeOptions runtime(CommandLine cl) {
    int threads = intOption(cl, CommonOptions.THREADS, 0, 0, 1_000_000);
    int cores = Runtime.getRuntime().availableProcessors();
    if (threads > cores) {
      System.err.println("lanterne: warning: --threads " + threads + " is more than the " + cores
          + " cores of this machine; using " + cores);
      threads = cores;
    }
    return new RuntimeOptions(Device.parse(cl.getOptionValue(CommonOptions.DEVICE)), threads,
        intOption(cl, CommonOptions.BATCH, 32, 1, 4096));
  }

  /** The model builder from --model/--card/--preprocess/--labels/--device/--threads/--batch (default: the demo model). */
  public static LanternModel.Builder modelBuilder(CommandLine cl) {
    Path path = cl.hasOption(CommonOptions.MODEL) ? Path.of(cl.getOptionValue(CommonOptions.MODEL))
        : LanternModel.demoModelFile();
    if (cl.hasOption(CommonOptions.MODEL) && !Files.isRegularFile(path)) {
      throw new LanterneException("model file " + path + " does not exist; check the --model path"
          + " (see onnx/README.md for how to get models)");
    }
    LanternModel.Builder b = LanternModel.builder(path).runtime(runtime(cl)).size(size(cl));
    if (cl.hasOption(CommonOptions.CARD)) {
      b.cardFile(Path.of(cl.getOptionValue(CommonOptions.CARD)));
    } else if (cl.hasOption(CommonOptions.PREPROCESS)) {
      b.preset(cl.getOptionValue(CommonOptions.PREPROCESS));
    }
    if (cl.hasOption(CommonOptions.LABELS)) {
      Path f = Path.of(cl.getOptionValue(CommonOptions.LABELS));
      if (!Files.isRegularFile(f)) {
        throw new LanterneException("label file " + f + " does not exist; check the --labels path");
      }
      b.labels(f);
    }
    return b;
  }

  /**
   * The model file as Lanterne works on it: a channels-last or symbolic-size input rewritten to
   * [N,C,H,W] at --size (see {@link ImageInput}); for commands that take no card.
   */
  static Onnx.ModelProto loadAdapted(CommandLine cl, Path path) {
    Onnx.ModelProto proto = OnnxModels.load(path);
    ImageInput.Info info = ImageInput.describe(proto, null);
    int[] size = size(cl);
    return info.needsAdapting() || size != null ? ImageInput.toNchw(proto, info, size) : proto;
  }

  /** --size HxW (or a single N for NxN), or null. */
  static int[] size(CommandLine cl) {
    if (!cl.hasOption(CommonOptions.SIZE)) {
      return null;
    }
    String v = cl.getOptionValue(CommonOptions.SIZE).strip().toLowerCase(Locale.ROOT);
    String[] parts = v.split("x");
    try {
      int h = Integer.parseInt(parts[0].strip());
      int w = parts.length == 2 ? Integer.parseInt(parts[1].strip()) : h;
      if (parts.length > 2 || h < 1 || w < 1 || h > 16384 || w > 16384) {
        throw new NumberFormatException();
      }
      return new int[] {h, w};
    } catch (NumberFormatException e) {
      throw LanterneException.usage("--size must be HxW (e.g. 224x224) or one number, got '" + v + "'");
    }
  }

  /** The model resolved from the flags, without opening a session. */
  public static ModelDescription model(CommandLine cl) {
    return modelBuilder(cl).describe();
  }

  /** The model opened from the flags. */
  public static LanternModel openModel(CommandLine cl) {
    return modelBuilder(cl).open();
  }

  /**
   * Warns once when no --model is given and an image is not one of the demo model's generated
   * pictures (another size than its input): the built-in model knows six generated shapes, not photos.
   */
  public static void warnIfDemoModel(CommandLine cl, List<Path> images) {
    if (cl.hasOption(CommonOptions.MODEL) || images.isEmpty()) {
      return;
    }
    int side = LanternModel.DEMO_INPUT_SIDE;
    for (Path p : images) {
      int[] size = imageSize(p);
      if (size != null && (size[0] != side || size[1] != side)) {
        System.err.println("lanterne: warning: no --model given, so the built-in demo model is used; it knows only"
            + " generated " + side + "x" + side + " shapes (" + p.getFileName() + " is " + size[1] + "x" + size[0]
            + "); pass --model FILE.onnx for photos");
        return;
      }
    }
  }

  /** {height, width} from the image header, or null when it cannot be read (the decoder reports that later). */
  private static int[] imageSize(Path file) {
    try (javax.imageio.stream.ImageInputStream in = javax.imageio.ImageIO.createImageInputStream(file.toFile())) {
      if (in == null) {
        return null;
      }
      java.util.Iterator<javax.imageio.ImageReader> readers = javax.imageio.ImageIO.getImageReaders(in);
      if (!readers.hasNext()) {
        return null;
      }
      javax.imageio.ImageReader r = readers.next();
      try {
        r.setInput(in);
        return new int[] {r.getHeight(0), r.getWidth(0)};
      } finally {
        r.dispose();
      }
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** The bundled demo model as a file. */
  public static Path demoModel() {
    return LanternModel.demoModelFile();
  }

  /** Loads --image and --tensor inputs, preprocessed for the model. At least one is required. */
  public static Images inputs(CommandLine cl, ModelDescription model) {
    Preprocessor pre = model.preprocessor();
    String[] images = cl.getOptionValues(CommonOptions.IMAGE);
    String[] tensors = cl.getOptionValues(CommonOptions.TENSOR);
    if (images == null && tensors == null) {
      throw LanterneException.usage("no input: pass --image FILE (or --tensor FILE.npy)");
    }
    if (images != null) {
      warnIfDemoModel(cl, Arrays.stream(images).map(Path::of).toList());
    }
    int[] chw = model.inputShape();
    int per = chw[0] * chw[1] * chw[2];
    List<String> names = new ArrayList<>();
    List<BufferedImage> shown = new ArrayList<>();
    List<float[]> values = new ArrayList<>();
    if (images != null) {
      for (String s : images) {
        Path p = Path.of(s);
        Preprocessor.Prepared prep = pre.prepare(p);
        requireFinite(prep.tensor(), p.getFileName() + " (after the card's preprocessing; check its mean and std)");
        names.add(p.getFileName().toString());
        shown.add(prep.shown());
        values.add(prep.tensor());
      }
    }
    if (tensors != null) {
      for (String s : tensors) {
        Path p = Path.of(s);
        Tensor t = Npy.read(p);
        int n;
        if (t.rank() == 3) {
          n = 1;
          t = t.reshape(1, t.dim(0), t.dim(1), t.dim(2));
        } else if (t.rank() == 4) {
          n = t.dim(0);
          if (n == 0) {
            throw LanterneException.usage(p + " holds no input (shape " + Arrays.toString(t.shape())
                + "); --tensor needs at least one [3,H,W] image");
          }
        } else {
          throw LanterneException.usage(p + " has shape " + Arrays.toString(t.shape())
              + "; --tensor needs [3,H,W] or [N,3,H,W] float32");
        }
        if (t.dim(1) != chw[0] || t.dim(2) != chw[1] || t.dim(3) != chw[2]) {
          throw LanterneException.usage(p + " has shape " + Arrays.toString(t.shape()) + " but the model takes ["
              + chw[0] + "," + chw[1] + "," + chw[2] + "]; write it with `lanterne preprocess` for this model");
        }
        for (int i = 0; i < n; i++) {
          float[] x = t.slice(i).data();
          requireFinite(x, n == 1 ? p.getFileName().toString() : p.getFileName() + "[" + i + "]");
          names.add(n == 1 ? p.getFileName().toString() : p.getFileName() + "[" + i + "]");
          shown.add(pre.toImage(x));
          values.add(x);
        }
      }
    }
    float[] x = new float[values.size() * per];
    for (int i = 0; i < values.size(); i++) {
      System.arraycopy(values.get(i), 0, x, i * per, per);
    }
    INPUT_NAMES.set(List.copyOf(names));
    return new Images(names, shown, x, chw);
  }

  /** Refuses an input with NaN or infinite values: its maps and scores would be meaningless. */
  static void requireFinite(float[] x, String name) {
    for (int i = 0; i < x.length; i++) {
      if (!Float.isFinite(x[i])) {
        throw LanterneException.usage(name + " contains " + (Float.isNaN(x[i]) ? "NaN" : "infinite")
            + " values (first at index " + i + "); inputs must be finite numbers");
      }
    }
  }

  /** The names of the inputs of the command running on this thread, to name an image in an error. */
  private static final ThreadLocal<List<String>> INPUT_NAMES = new ThreadLocal<>();

  /** An error's message, naming the image where the library could only give its position. */
  static String describe(LanterneException e) {
    List<String> names = INPUT_NAMES.get();
    if (e instanceof dev.lanterne.runtime.NonFiniteScoresException nf && names != null
        && names.size() == nf.batch()) {
      return dev.lanterne.runtime.NonFiniteScoresException.message(names.get(nf.image()));
    }
    // the library names the option, the command line its flag
    return e.setting() == null ? e.getMessage() : "--" + e.setting() + ": " + e.getMessage();
  }

  /** The classes --class names: indices, labels, topK, mixed (default: the predicted class). */
  public static Target target(CommandLine cl) {
    String[] values = cl.getOptionValues(CommonOptions.CLASS);
    return Target.parse(values == null ? List.of() : Arrays.asList(values));
  }

  /** The classes to explain per image, from --class and the unperturbed scores [n,K]. */
  public static int[][] classes(CommandLine cl, float[] scores, int n, int numClasses, Labels labels) {
    return target(cl).resolve(n, scores, numClasses, labels);
  }

  /** Indices of the k largest values of scores[offset .. offset+count), largest first. */
  public static int[] topK(float[] scores, int offset, int count, int k) {
    return Target.topK(scores, offset, count, k);
  }

  /** Softmax of scores[offset .. offset+count), or the scores themselves for probability models. */
  public static float[] probabilities(float[] scores, int offset, int count, boolean alreadyProbabilities) {
    if (alreadyProbabilities) {
      return java.util.Arrays.copyOfRange(scores, offset, offset + count);
    }
    return dev.lanterne.tensor.Softmax.of(scores, offset, count);
  }

  /** The output folders of the command running on this thread, committed when it completes. */
  private static final ThreadLocal<List<OutputFolder>> OUTPUTS = new ThreadLocal<>();

  /**
   * The --out folder of this run, checked for writing before any long work starts. The command
   * writes into the returned (hidden, staging) folder; when the command returns, {@link Main} swaps
   * it in as --out, so an interrupted run leaves the previous results whole (see {@link OutputFolder}).
   */
  public static Path outDir(CommandLine cl, String dflt) {
    String v = cl.getOptionValue(CommonOptions.OUT, dflt);
    if (v == null) {
      throw LanterneException.usage("missing --out DIR: the folder to write results to");
    }
    if (v.isBlank()) {
      throw LanterneException.usage("--out is empty; pass the folder to write results to, such as out/");
    }
    List<OutputFolder> open = OUTPUTS.get();
    if (open == null) {
      return AtomicFiles.prepareOutputDir(Path.of(v));
    }
    OutputFolder folder = OutputFolder.begin(Path.of(v));
    open.add(folder);
    return folder.path();
  }

  /** A path as the user will find it once the run's output folders are committed. */
  public static String shown(Path p) {
    List<OutputFolder> open = OUTPUTS.get();
    if (open != null) {
      for (OutputFolder f : open) {
        Path q = f.finalPath(p);
        if (q != p) {
          return q.toString();
        }
      }
    }
    return p.toString();
  }

  /** Starts collecting the output folders of one command; returns the enclosing command's (for nesting). */
  static List<OutputFolder> beginOutputs() {
    List<OutputFolder> outer = OUTPUTS.get();
    OUTPUTS.set(new ArrayList<>());
    return outer;
  }

  /** Commits the output folders of the command that just completed. */
  static void commitOutputs() {
    for (OutputFolder f : OUTPUTS.get()) {
      f.commit();
    }
  }

  /** Removes what was not committed and restores the enclosing command's folders. */
  static void endOutputs(List<OutputFolder> outer) {
    INPUT_NAMES.remove();
    List<OutputFolder> mine = OUTPUTS.get();
    if (mine != null) {
      mine.forEach(OutputFolder::close);
    }
    if (outer == null) {
      OUTPUTS.remove();
    } else {
      OUTPUTS.set(outer);
    }
  }

  public static long seed(CommandLine cl) {
    String v = cl.getOptionValue(CommonOptions.SEED, "0");
    try {
      return Long.parseLong(v.strip());
    } catch (NumberFormatException e) {
      throw LanterneException.usage("--seed must be an integer, got '" + v + "'");
    }
  }

  public static int intOption(CommandLine cl, String name, int dflt, int min, int max) {
    String v = cl.getOptionValue(name);
    if (v == null) {
      return dflt;
    }
    int x = parseInt(v, "--" + name);
    if (x < min || x > max) {
      throw LanterneException.usage("--" + name + " must be between " + min + " and " + max + ", got " + x);
    }
    return x;
  }

  /** A comma-separated list of integers, each in [min, max]. */
  public static int[] intList(CommandLine cl, String name, String dflt, int min, int max) {
    String v = cl.getOptionValue(name, dflt);
    List<Integer> out = new ArrayList<>();
    for (String t : v.split(",")) {
      if (t.isBlank()) {
        continue;
      }
      int x = parseInt(t, "--" + name + " value");
      if (x < min || x > max) {
        throw LanterneException.usage("--" + name + " values must be between " + min + " and " + max + ", got " + x);
      }
      out.add(x);
    }
    if (out.isEmpty()) {
      throw LanterneException.usage("--" + name + " needs at least one number, got '" + v + "'");
    }
    return out.stream().mapToInt(Integer::intValue).toArray();
  }

  public static double doubleOption(CommandLine cl, String name, double dflt, double min, double max) {
    String v = cl.getOptionValue(name);
    if (v == null) {
      return dflt;
    }
    double x;
    try {
      x = Double.parseDouble(v.strip());
    } catch (NumberFormatException e) {
      throw LanterneException.usage("--" + name + " must be a number, got '" + v + "'");
    }
    if (!(x >= min && x <= max)) {
      throw LanterneException.usage("--" + name + " must be between " + min + " and " + max + ", got " + v);
    }
    return x;
  }

  /**
   * A comma-separated list of integers (one value is a list of one), each checked against
   * [min, max]; the default when the flag is absent.
   */
  public static List<Integer> intList(CommandLine cl, String name, int dflt, int min, int max) {
    String v = cl.getOptionValue(name);
    if (v == null) {
      return List.of(dflt);
    }
    List<Integer> out = new ArrayList<>();
    for (String part : v.split(",")) {
      if (part.isBlank()) {
        continue;
      }
      int x = parseInt(part, "--" + name);
      if (x < min || x > max) {
        throw LanterneException.usage("--" + name + " values must be between " + min + " and " + max + ", got " + x);
      }
      out.add(x);
    }
    if (out.isEmpty()) {
      throw LanterneException.usage("--" + name + " needs at least one value");
    }
    return out;
  }

  /** A comma-separated list of words (one word is a list of one); the default when the flag is absent. */
  public static List<String> wordList(CommandLine cl, String name, String dflt) {
    String v = cl.getOptionValue(name, dflt);
    List<String> out = new ArrayList<>();
    for (String part : v.split(",")) {
      if (!part.isBlank()) {
        out.add(part.strip());
      }
    }
    if (out.isEmpty()) {
      throw LanterneException.usage("--" + name + " needs at least one value");
    }
    return out;
  }

  /** One of the allowed words, case-insensitive. */
  public static String choice(CommandLine cl, String name, String dflt, String... allowed) {
    String v = cl.getOptionValue(name, dflt).toLowerCase(Locale.ROOT);
    for (String a : allowed) {
      if (a.equals(v)) {
        return a;
      }
    }
    throw LanterneException.usage("--" + name + " must be one of " + String.join(", ", allowed) + ", got '" + v + "'");
  }

  private static int parseInt(String v, String what) {
    try {
      return Integer.parseInt(v.strip());
    } catch (NumberFormatException e) {
      throw LanterneException.usage(what + " must be an integer, got '" + v + "'");
    }
  }

  /** File name without its extension. */
  public static String stem(String fileName) {
    int dot = fileName.lastIndexOf('.');
    return dot > 0 ? fileName.substring(0, dot) : fileName;
  }

  /**
   * The writer options of the display flags ({@link CommonOptions#display}). Without --sign, maps
   * with negative values are drawn signed (all) and the others by their absolute value.
   */
  public static ExplanationWriter.Options display(CommandLine cl, List<Explanation> explanations) {
    Overlay.Style d = Overlay.Style.defaults();
    Overlay.Sign sign;
    if (cl.hasOption(CommonOptions.SIGN)) {
      sign = Overlay.Sign.parse(cl.getOptionValue(CommonOptions.SIGN));
    } else {
      sign = hasNegative(explanations) ? Overlay.Sign.ALL : Overlay.Sign.ABSOLUTE_VALUE;
    }
    String cmap = cl.getOptionValue(CommonOptions.COLORMAP, cl.getOptionValue(CommonOptions.CMAP));
    Overlay.Style style = new Overlay.Style(
        cl.hasOption(CommonOptions.DISPLAY) ? Overlay.Mode.parse(cl.getOptionValue(CommonOptions.DISPLAY)) : d.mode(),
        sign, doubleOption(cl, CommonOptions.CLIP, d.clipPercent(), 0, 99.999),
        cmap == null ? null : ColorMap.parse(cmap),
        (float) doubleOption(cl, CommonOptions.OPACITY, d.opacity(), 0, 1),
        cl.hasOption(CommonOptions.ORIGIN) ? Overlay.Origin.parse(cl.getOptionValue(CommonOptions.ORIGIN))
            : d.origin());
    if (cl.hasOption(CommonOptions.SHARED_SCALE) && cl.hasOption(CommonOptions.NO_SHARED_SCALE)) {
      throw LanterneException.usage("--shared-scale and --no-shared-scale contradict each other");
    }
    Boolean shared = cl.hasOption(CommonOptions.SHARED_SCALE) ? Boolean.TRUE
        : cl.hasOption(CommonOptions.NO_SHARED_SCALE) ? Boolean.FALSE : null;
    return ExplanationWriter.Options.defaults().withStyle(style).withSharedScale(shared);
  }

  private static boolean hasNegative(List<Explanation> explanations) {
    for (Explanation e : explanations) {
      for (float v : e.map().data()) {
        if (v < 0) {
          return true;
        }
      }
    }
    return false;
  }
}
