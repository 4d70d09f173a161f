package dev.lanterne.cli;

import dev.lanterne.LanterneException;
import dev.lanterne.explain.Explanation;
import dev.lanterne.explain.ExplanationWriter;
import dev.lanterne.image.ColorMap;
import dev.lanterne.image.Overlay;
import dev.lanterne.image.Preprocessor;
import dev.lanterne.model.Labels;
import dev.lanterne.model.ModelCard;
import dev.lanterne.model.ModelRegistry;
import dev.lanterne.onnx.OnnxModels;
import dev.lanterne.onnx.proto.Onnx;
import dev.lanterne.runtime.Classifier;
import dev.lanterne.runtime.Device;
import dev.lanterne.runtime.RuntimeOptions;
import dev.lanterne.tensor.AtomicFiles;
import dev.lanterne.tensor.Npy;
import dev.lanterne.tensor.Tensor;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.apache.commons.cli.CommandLine;

/** What every command needs from the shared flags: the model, the inputs, the classes, the output folder. */
public final class CliSupport {
  /** The demo model bundled in the jar, used when --model is not given. */
  public static final String DEMO_MODEL = "demo/shapes.onnx";

  private CliSupport() {}

  /**
   * A model resolved from --model/--card/--preprocess/--labels/--device/--threads/--batch.
   *
   * @param path the .onnx file (the bundled demo model is extracted to the cache)
   * @param card how to preprocess and read the model
   * @param labels class labels
   * @param channels input channels
   * @param runtime device and threads
   */
  public record ModelSpec(Path path, String name, ModelCard card, Labels labels, int channels,
      RuntimeOptions runtime) {
    public Classifier openClassifier() {
      return Classifier.open(path, runtime);
    }

    public Preprocessor preprocessor() {
      return Preprocessor.forCard(card);
    }

    /** {channels, height, width} of one input. */
    public int[] inputShape() {
      return new int[] {channels, card.height(), card.width()};
    }
  }

  /** One input image: its name, the picture as the model saw it, and the normalised tensor [3,H,W]. */
  public record Input(String name, BufferedImage shown, float[] tensor) {}

  /** --device, --threads, --batch. */
  public static RuntimeOptions runtime(CommandLine cl) {
    return new RuntimeOptions(Device.parse(cl.getOptionValue(CommonOptions.DEVICE)),
        intOption(cl, CommonOptions.THREADS, 0, 0, 1024), intOption(cl, CommonOptions.BATCH, 32, 1, 4096));
  }

  public static ModelSpec model(CommandLine cl) {
    RuntimeOptions runtime = runtime(cl);
    Path path;
    if (cl.hasOption(CommonOptions.MODEL)) {
      path = Path.of(cl.getOptionValue(CommonOptions.MODEL));
      if (!Files.isRegularFile(path)) {
        throw new LanterneException("model file " + path + " does not exist; check the --model path"
            + " (see onnx/README.md for how to get models)");
      }
    } else {
      path = demoModel();
    }
    byte[] bytes = Classifier.ModelFiles.readModel(path);
    Onnx.ModelProto proto = OnnxModels.parse(bytes, path.toString());
    int[] chw = imageInputShape(proto, path);
    String sha = OnnxModels.sha256(bytes);
    ModelCard card;
    Path cardDir = null;
    if (cl.hasOption(CommonOptions.CARD)) {
      Path cardFile = Path.of(cl.getOptionValue(CommonOptions.CARD));
      card = ModelCard.read(cardFile);
      cardDir = cardFile.toAbsolutePath().getParent();
    } else if (cl.hasOption(CommonOptions.PREPROCESS)) {
      card = ModelCard.preset(cl.getOptionValue(CommonOptions.PREPROCESS), chw[1], chw[2]);
    } else {
      card = ModelRegistry.find(sha, path.getFileName().toString()).orElse(null);
      if (card == null) {
        System.err.println("lanterne: warning: no model card for " + path.getFileName() + " (sha256 "
            + sha.substring(0, 12) + "...); using torchvision preprocessing at " + chw[1] + "x" + chw[2]
            + "; pass --card FILE or --preprocess inception if that is wrong");
        card = ModelCard.torchvision(chw[1], chw[2]);
      }
    }
    if (card.height() != chw[1] || card.width() != chw[2]) {
      throw LanterneException.usage("the model card says input " + card.height() + "x" + card.width()
          + " but " + path.getFileName() + " takes " + chw[1] + "x" + chw[2] + "; pass the card for this model");
    }
    Labels labels = labels(cl, card, path, cardDir);
    String name = stem(path.getFileName().toString());
    return new ModelSpec(path, name, card, labels, chw[0], runtime);
  }

  /** The bundled demo model, extracted once to the cache so every part of Lanterne can read it as a file. */
  public static Path demoModel() {
    byte[] bytes = ModelRegistry.readResource(DEMO_MODEL);
    Path file = cacheDir().resolve("demo").resolve(OnnxModels.sha256(bytes).substring(0, 16) + "-shapes.onnx");
    if (!Files.isRegularFile(file)) {
      AtomicFiles.write(file, bytes);
    }
    return file;
  }

  /** ~/.cache/lanterne, or $LANTERNE_CACHE, or -Dlanterne.cache. */
  public static Path cacheDir() {
    String prop = System.getProperty("lanterne.cache");
    if (prop == null) {
      prop = System.getenv("LANTERNE_CACHE");
    }
    if (prop != null && !prop.isBlank()) {
      return Path.of(prop);
    }
    return Path.of(System.getProperty("user.home"), ".cache", "lanterne");
  }

  static int[] imageInputShape(Onnx.ModelProto model, Path path) {
    Set<String> inits = new HashSet<>();
    for (Onnx.TensorProto t : model.getGraph().getInitializerList()) {
      inits.add(t.getName());
    }
    for (Onnx.ValueInfoProto in : model.getGraph().getInputList()) {
      if (inits.contains(in.getName())) {
        continue;
      }
      Onnx.TypeProto.Tensor t = in.getType().getTensorType();
      List<Onnx.TensorShapeProto.Dimension> d = t.getShape().getDimList();
      boolean ok = t.getElemType() == Onnx.TensorProto.DataType.FLOAT_VALUE && d.size() == 4
          && d.get(1).hasDimValue() && (d.get(1).getDimValue() == 3 || d.get(1).getDimValue() == 1)
          && d.get(2).hasDimValue() && d.get(3).hasDimValue() && d.get(2).getDimValue() > 0
          && d.get(3).getDimValue() > 0;
      if (!ok) {
        throw new LanterneException(path.getFileName() + " input '" + in.getName()
            + "' is not an image tensor; Lanterne needs a float input of shape [N,3,H,W] with fixed H and W");
      }
      return new int[] {(int) d.get(1).getDimValue(), (int) d.get(2).getDimValue(), (int) d.get(3).getDimValue()};
    }
    throw new LanterneException(path.getFileName() + " has no image input; Lanterne needs [N,3,H,W]");
  }

  private static Labels labels(CommandLine cl, ModelCard card, Path model, Path cardDir) {
    try {
      if (cl.hasOption(CommonOptions.LABELS)) {
        Path f = Path.of(cl.getOptionValue(CommonOptions.LABELS));
        if (!Files.isRegularFile(f)) {
          throw new LanterneException("label file " + f + " does not exist; check the --labels path");
        }
        return Labels.read(f);
      }
      String l = card.labels();
      if (l == null) {
        return Labels.none();
      }
      if (l.equals("imagenet")) {
        for (Path p : List.of(model.toAbsolutePath().getParent().resolve("imagenet-classes.txt"),
            Path.of("..", "shared", "models", "imagenet-classes.txt"),
            cacheDir().resolve("imagenet-classes.txt"))) {
          if (Files.isRegularFile(p)) {
            return Labels.read(p);
          }
        }
        return Labels.none();
      }
      if (cardDir != null && Files.isRegularFile(cardDir.resolve(l))) {
        return Labels.read(cardDir.resolve(l));
      }
      Path beside = model.toAbsolutePath().getParent().resolve(l);
      if (Files.isRegularFile(beside)) {
        return Labels.read(beside);
      }
      if (ModelRegistry.resource(cardResourceDir(card) + l) != null) {
        return Labels.of(new String(ModelRegistry.readResource(cardResourceDir(card) + l),
            java.nio.charset.StandardCharsets.UTF_8).lines().map(String::strip).filter(s -> !s.isEmpty())
            .toList());
      }
      return Labels.none();
    } catch (IOException e) {
      throw new LanterneException("cannot read labels (" + e.getMessage() + "); check --labels", e);
    }
  }

  private static String cardResourceDir(ModelCard card) {
    return "demo".equals(card.name()) || "shapes".equals(card.name()) ? "demo/" : "";
  }

  /** Loads --image and --tensor inputs, preprocessed for the model. At least one is required. */
  public static List<Input> inputs(CommandLine cl, ModelSpec model) {
    List<Input> out = new ArrayList<>();
    Preprocessor pre = model.preprocessor();
    String[] images = cl.getOptionValues(CommonOptions.IMAGE);
    String[] tensors = cl.getOptionValues(CommonOptions.TENSOR);
    if (images == null && tensors == null) {
      throw LanterneException.usage("no input: pass --image FILE (or --tensor FILE.npy)");
    }
    if (images != null) {
      for (String s : images) {
        Path p = Path.of(s);
        Preprocessor.Prepared prep = pre.prepare(p);
        out.add(new Input(p.getFileName().toString(), prep.shown(), prep.tensor()));
      }
    }
    if (tensors != null) {
      int[] chw = model.inputShape();
      for (String s : tensors) {
        Path p = Path.of(s);
        Tensor t = Npy.read(p);
        int n;
        if (t.rank() == 3) {
          n = 1;
          t = t.reshape(1, t.dim(0), t.dim(1), t.dim(2));
        } else if (t.rank() == 4) {
          n = t.dim(0);
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
          String name = n == 1 ? p.getFileName().toString() : p.getFileName() + "[" + i + "]";
          out.add(new Input(name, pre.toImage(x), x));
        }
      }
    }
    return out;
  }

  /** All input tensors stacked into [n,3,H,W]. */
  public static float[] stack(List<Input> inputs) {
    int per = inputs.get(0).tensor().length;
    float[] x = new float[per * inputs.size()];
    for (int i = 0; i < inputs.size(); i++) {
      System.arraycopy(inputs.get(i).tensor(), 0, x, i * per, per);
    }
    return x;
  }

  /**
   * The classes to explain for each image: --class indices (the same for every image), topK
   * (per image, from the scores), or by default each image's predicted class.
   *
   * @param scores [n,K] scores of the unperturbed inputs
   */
  public static int[][] classes(CommandLine cl, float[] scores, int n, int numClasses) {
    String[] values = cl.getOptionValues(CommonOptions.CLASS);
    List<String> tokens = new ArrayList<>();
    if (values != null) {
      for (String v : values) {
        for (String t : v.split(",")) {
          if (!t.isBlank()) {
            tokens.add(t.strip().toLowerCase(Locale.ROOT));
          }
        }
      }
    }
    if (tokens.isEmpty()) {
      tokens.add("top1");
    }
    int[][] out = new int[n][];
    for (int i = 0; i < n; i++) {
      List<Integer> cls = new ArrayList<>();
      for (String t : tokens) {
        if (t.startsWith("top")) {
          int k = parseInt(t.substring(3).isEmpty() ? "1" : t.substring(3), "--class " + t);
          if (k < 1 || k > numClasses) {
            throw LanterneException.usage("--class " + t + " asks for more classes than the model's " + numClasses);
          }
          for (int c : topK(scores, i * numClasses, numClasses, k)) {
            if (!cls.contains(c)) {
              cls.add(c);
            }
          }
        } else {
          int c = parseInt(t, "--class");
          if (c < 0 || c >= numClasses) {
            throw LanterneException.usage("class " + c + " is out of range: the model has " + numClasses
                + " classes (0-" + (numClasses - 1) + ")");
          }
          if (!cls.contains(c)) {
            cls.add(c);
          }
        }
      }
      out[i] = cls.stream().mapToInt(Integer::intValue).toArray();
    }
    return out;
  }

  /** Indices of the k largest values of scores[offset .. offset+count), largest first. */
  public static int[] topK(float[] scores, int offset, int count, int k) {
    Integer[] idx = new Integer[count];
    for (int i = 0; i < count; i++) {
      idx[i] = i;
    }
    Arrays.sort(idx, (a, b) -> Float.compare(scores[offset + b], scores[offset + a]));
    int[] out = new int[Math.min(k, count)];
    for (int i = 0; i < out.length; i++) {
      out[i] = idx[i];
    }
    return out;
  }

  /** Softmax of scores[offset .. offset+count), or the scores themselves for probability models. */
  public static float[] probabilities(float[] scores, int offset, int count, boolean alreadyProbabilities) {
    if (alreadyProbabilities) {
      return java.util.Arrays.copyOfRange(scores, offset, offset + count);
    }
    return dev.lanterne.tensor.Softmax.of(scores, offset, count);
  }

  /** The --out folder, created and checked for writing before any long work starts. */
  public static Path outDir(CommandLine cl, String dflt) {
    String v = cl.getOptionValue(CommonOptions.OUT, dflt);
    if (v == null) {
      throw LanterneException.usage("missing --out DIR: the folder to write results to");
    }
    return AtomicFiles.prepareOutputDir(Path.of(v));
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

  /** A progress bar on stderr with rate and time left. Close it (try-with-resources) when done. */
  public static ProgressBar progress(String task, long total, String unit) {
    return new ProgressBarBuilder().setTaskName(task).setInitialMax(total).setStyle(ProgressBarStyle.ASCII)
        .setConsumer(new ConsoleProgressBarConsumer(System.err)).setUnit(" " + unit, 1).showSpeed()
        .setUpdateIntervalMillis(250).build();
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
