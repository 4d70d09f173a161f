package dev.lanterne.cli;

import dev.lanterne.LanterneException;
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
import dev.lanterne.tensor.ContainedPaths;
import dev.lanterne.tensor.Npy;
import dev.lanterne.tensor.OutputFolder;
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
    byte[] file = OnnxModels.readFile(path);
    // the one checked path: external data inlined from inside the model's real folder only
    byte[] bytes = Classifier.ModelFiles.readModel(path);
    Onnx.ModelProto proto = OnnxModels.parse(bytes, path.toString());
    int[] chw = imageInputShape(proto, path);
    int classes = classCount(proto, path);
    String sha = OnnxModels.sha256(file);
    ModelCard card;
    Path cardDir = null;
    boolean guessed = false;
    if (cl.hasOption(CommonOptions.CARD)) {
      Path cardFile = Path.of(cl.getOptionValue(CommonOptions.CARD));
      card = ModelCard.read(cardFile);
      cardDir = cardFile.toAbsolutePath().getParent();
    } else if (cl.hasOption(CommonOptions.PREPROCESS)) {
      card = ModelCard.preset(cl.getOptionValue(CommonOptions.PREPROCESS), chw[1], chw[2]);
      guessed = true; // a preset's ImageNet labels are a guess too
    } else {
      card = ModelRegistry.find(sha, path.getFileName().toString()).orElse(null);
      if (card != null && card.sha256() != null && !card.sha256().equalsIgnoreCase(sha)) {
        System.err.println("lanterne: warning: " + path.getFileName() + " has the name of a known model but"
            + " another SHA-256 (" + sha.substring(0, 12) + "... instead of " + card.sha256().substring(0, 12)
            + "...); using that model's card anyway; pass --card FILE if it is a different model");
      }
      if (card == null) {
        System.err.println("lanterne: warning: no model card for " + path.getFileName() + " (sha256 "
            + sha.substring(0, 12) + "...); using torchvision preprocessing at " + chw[1] + "x" + chw[2]
            + "; pass --card FILE or --preprocess inception if that is wrong");
        card = ModelCard.torchvision(chw[1], chw[2]);
        guessed = true;
      }
    }
    if (card.height() != chw[1] || card.width() != chw[2]) {
      throw LanterneException.usage("the model card says input " + card.height() + "x" + card.width()
          + " but " + path.getFileName() + " takes " + chw[1] + "x" + chw[2] + "; pass the card for this model");
    }
    Labels labels = labels(cl, card, path, cardDir);
    if (classes > 0 && labels.size() > 0 && labels.size() != classes && guessed && !cl.hasOption(CommonOptions.LABELS)) {
      labels = Labels.none(); // the guessed card's ImageNet labels do not belong to this model
    }
    if (classes > 0 && labels.size() > 0 && labels.size() != classes) {
      throw LanterneException.usage("the labels have " + labels.size() + " lines but " + path.getFileName()
          + " has " + classes + " classes; pass the label file of this model (one label per class)");
    }
    String name = stem(path.getFileName().toString());
    return new ModelSpec(path, name, card, labels, chw[0], runtime);
  }

  /**
   * The bundled demo model, extracted once to the cache so every part of Lanterne can read it as a
   * file. The extracted copy is checked against the bundled bytes (SHA-256) on every use and written
   * again when it differs; when the cache cannot be written, a temporary copy is used, with a warning.
   */
  public static Path demoModel() {
    byte[] bytes = ModelRegistry.readResource(DEMO_MODEL);
    String sha = OnnxModels.sha256(bytes);
    Path file = cacheDir().resolve("demo").resolve(sha.substring(0, 16) + "-shapes.onnx");
    try {
      if (Files.isRegularFile(file) && sha.equals(OnnxModels.sha256(file))) {
        return file;
      }
    } catch (LanterneException e) {
      // unreadable: extract it again
    }
    try {
      AtomicFiles.write(file, bytes);
      return file;
    } catch (LanterneException e) {
      try {
        Path tmp = Files.createTempFile("lanterne-demo-", ".onnx");
        tmp.toFile().deleteOnExit();
        Files.write(tmp, bytes);
        System.err.println("lanterne: warning: cannot write the cache folder " + cacheDir().toAbsolutePath()
            + "; using a temporary copy of the demo model. Set LANTERNE_CACHE to a writable folder");
        return tmp;
      } catch (IOException e2) {
        throw e;
      }
    }
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

  /** The largest image side Lanterne accepts: larger inputs would not fit Java arrays. */
  public static final int MAX_SIDE = 8192;

  /**
   * The number of classes of the model's first output when the model declares it, else 0; refuses
   * outputs that are not class scores [N,K] (or [N,K,1,1]).
   */
  static int classCount(Onnx.ModelProto model, Path path) {
    if (model.getGraph().getOutputCount() == 0) {
      throw new LanterneException(path.getFileName() + " has no output; Lanterne needs class scores [N,classes]");
    }
    Onnx.ValueInfoProto out = model.getGraph().getOutput(0);
    if (!out.getType().hasTensorType() || !out.getType().getTensorType().hasShape()) {
      return 0;
    }
    List<Onnx.TensorShapeProto.Dimension> d = out.getType().getTensorType().getShape().getDimList();
    long classes = 0;
    boolean known = true;
    int notOne = 0;
    for (int i = 1; i < d.size(); i++) {
      if (!d.get(i).hasDimValue()) {
        known = false;
        notOne++;
      } else if (d.get(i).getDimValue() != 1) {
        notOne++;
        classes = d.get(i).getDimValue();
      }
    }
    if (d.size() < 2 || notOne > 1) {
      StringBuilder shape = new StringBuilder("[");
      for (int i = 0; i < d.size(); i++) {
        shape.append(i == 0 ? "" : ",").append(d.get(i).hasDimValue() ? String.valueOf(d.get(i).getDimValue())
            : d.get(i).getDimParam().isEmpty() ? "?" : d.get(i).getDimParam());
      }
      throw new LanterneException(path.getFileName() + " output '" + out.getName() + "' has shape " + shape
          + "]; Lanterne explains classifiers, whose output is class scores [N,classes]");
    }
    return known && classes > 0 && classes <= Integer.MAX_VALUE ? (int) classes : 0;
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
      if (d.get(2).getDimValue() > MAX_SIDE || d.get(3).getDimValue() > MAX_SIDE) {
        throw new LanterneException(path.getFileName() + " declares an input of " + d.get(2).getDimValue() + "x"
            + d.get(3).getDimValue() + " pixels; Lanterne supports image inputs up to " + MAX_SIDE + "x" + MAX_SIDE);
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
      // a card's labels are a file name relative to the card's folder (or the model's): the same rule as
      // external data, no absolute path, no "..", no link out of the folder
      Path modelDir = model.toAbsolutePath().getParent();
      for (Path dir : cardDir == null ? List.of(modelDir) : List.of(cardDir, modelDir)) {
        String what = "the card's labels";
        if (Path.of(l).isAbsolute() || !dir.resolve(l).normalize().startsWith(dir.normalize())) {
          ContainedPaths.resolve(dir, l, what); // refuses with the message every such path gets
        }
        if (ContainedPaths.existsInside(dir, l)) {
          return Labels.read(ContainedPaths.resolve(dir, l, what));
        }
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
        requireFinite(prep.tensor(), p.getFileName() + " (after the card's preprocessing; check its mean and std)");
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
          String name = n == 1 ? p.getFileName().toString() : p.getFileName() + "[" + i + "]";
          requireFinite(x, name);
          out.add(new Input(name, pre.toImage(x), x));
        }
      }
    }
    INPUT_NAMES.set(out.stream().map(Input::name).toList());
    return out;
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
    return e.getMessage();
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
}
