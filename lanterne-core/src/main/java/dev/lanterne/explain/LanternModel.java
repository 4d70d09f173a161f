package dev.lanterne.explain;

import dev.lanterne.LanterneException;
import dev.lanterne.grad.GradientCompiler;
import dev.lanterne.grad.GradientOptions;
import dev.lanterne.grad.GraphCache;
import dev.lanterne.grad.Variant;
import dev.lanterne.image.Normalization;
import dev.lanterne.image.Preprocessor;
import dev.lanterne.model.Labels;
import dev.lanterne.model.ModelCard;
import dev.lanterne.model.ModelRegistry;
import dev.lanterne.onnx.OnnxModels;
import dev.lanterne.onnx.proto.Onnx;
import dev.lanterne.runtime.CamModel;
import dev.lanterne.runtime.Classifier;
import dev.lanterne.runtime.Device;
import dev.lanterne.grad.GradCamSession;
import dev.lanterne.runtime.GradientModel;
import dev.lanterne.runtime.InversionModel;
import dev.lanterne.grad.InversionSession;
import dev.lanterne.runtime.RuntimeOptions;
import dev.lanterne.grad.SaliencySession;
import dev.lanterne.tensor.Softmax;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * An image classifier loaded once, in the style of DJL's {@code Model}: the ONNX file is read, parsed
 * and hashed once; its model card (preprocessing) and labels are resolved (by SHA-256, then file
 * name, then the card or preset given); the plain ONNX Runtime session is opened; derived gradient
 * graphs (saliency, Grad-CAM, inversion step) are compiled lazily, per kind, through the graph cache,
 * and their sessions are kept for the model's lifetime.
 *
 * <pre>{@code
 * try (LanternModel model = LanternModel.open(Path.of("mobilenetv2.onnx"))) {
 *   Images photo = model.load(Path.of("cat.jpg"));
 *   List<Explanation> maps = new GradCam(model).attribute(photo, Target.predicted());
 * }
 * }</pre>
 *
 * <p>Thread-safety: a {@code LanternModel} is safe for concurrent use by several threads (ONNX
 * Runtime sessions run concurrently; lazily compiled graphs are created once under a lock).
 * {@link #close()} is idempotent; calls after close fail with a clear exception.
 */
public final class LanternModel implements AutoCloseable {
  private final Path path;
  private final String name;
  private final String sha256;
  private final Onnx.ModelProto proto;
  private final ModelCard card;
  private final Labels labels;
  private final RuntimeOptions runtime;
  private final GraphCache cache;
  private final Classifier classifier;
  private final int[] chw;
  private final Map<String, AutoCloseable> sessions = new HashMap<>();
  private final java.util.Set<String> withoutPredictedSeed = new java.util.HashSet<>();
  private volatile boolean closed;
  private dev.lanterne.grad.FiniteDifferenceGradient.Options finiteDifferences;
  private boolean sharesClassifier;

  private LanternModel(Path path, String name, String sha256, Onnx.ModelProto proto, ModelCard card, Labels labels,
      RuntimeOptions runtime, GraphCache cache, Classifier classifier) {
    this.path = path;
    this.name = name;
    this.sha256 = sha256;
    this.proto = proto;
    this.card = card;
    this.labels = labels;
    this.runtime = runtime;
    this.cache = cache;
    this.classifier = classifier;
    this.chw = classifier.inputShape();
  }

  /** Opens a model with its card and labels found automatically, on the CPU with default threads. */
  public static LanternModel open(Path onnxFile) {
    return builder(onnxFile).open();
  }

  /** The side of the bundled demo model's square input: the size of its generated shapes. */
  public static final int DEMO_INPUT_SIDE = 64;

  /** Opens the bundled demo model (a small CNN on generated shapes), extracted once to the cache. */
  public static LanternModel demo() {
    return open(demoModelFile());
  }

  /** The bundled demo model as a file: extracted to the cache folder on first use, re-extracted if damaged. */
  public static Path demoModelFile() {
    byte[] bytes = ModelRegistry.readResource("demo/shapes.onnx");
    String sha = OnnxModels.sha256(bytes);
    Path file = dev.lanterne.model.CacheRoot.dir().resolve("demo").resolve(sha.substring(0, 16) + "-shapes.onnx");
    try {
      if (Files.isRegularFile(file) && sha.equals(OnnxModels.sha256(Files.readAllBytes(file)))) {
        return file;
      }
    } catch (IOException | LanterneException e) {
      // unreadable: extract it again
    }
    try {
      dev.lanterne.tensor.AtomicFiles.write(file, bytes);
      return file;
    } catch (LanterneException e) {
      try {
        Path tmp = Files.createTempFile("lanterne-demo-", ".onnx");
        tmp.toFile().deleteOnExit();
        Files.write(tmp, bytes);
        System.err.println("lanterne: warning: cannot write the cache folder " + file.getParent().getParent()
            + "; using a temporary copy of the demo model. Set LANTERNE_CACHE to a writable folder");
        return tmp;
      } catch (IOException e2) {
        throw e;
      }
    }
  }


  /** Opens a described model; cacheDir null compiles derived graphs in memory. */
  static LanternModel open(ModelDescription d, Path cacheDir) {
    Classifier classifier = d.openClassifier();
    try {
      return new LanternModel(d.path(), d.name(), d.sha256(), d.proto(), d.card(), d.labels(), d.runtime(),
          cacheDir == null ? null : new GraphCache(cacheDir), classifier);
    } catch (RuntimeException e) {
      classifier.close();
      throw e;
    }
  }

  /** A builder for a model file: card, labels, device, threads, batch and cache can be set. */
  public static Builder builder(Path onnxFile) {
    return new Builder(onnxFile);
  }

  /**
   * The same model with other weights (e.g. a randomised copy for the sanity check): same card,
   * labels and runtime options; its derived graphs are compiled in memory, never cached.
   */
  public LanternModel withGraph(Onnx.ModelProto otherWeights) {
    ensureOpen();
    Classifier c = Classifier.open(otherWeights.toByteArray(), name, runtime);
    return new LanternModel(path, name, OnnxModels.sha256(otherWeights.toByteArray()), otherWeights, card, labels,
        runtime, null, c);
  }

  /** This model's file, card, labels and runtime options, as {@link Builder#describe()} gives them. */
  public ModelDescription description() {
    return new ModelDescription(path, name, sha256, proto, card, labels, chw[0], runtime);
  }

  /** The model file (for the bundled demo model: its extracted copy). */
  public Path path() {
    return path;
  }

  /** The file name without extension, as shown in reports. */
  public String name() {
    return name;
  }

  /** SHA-256 of the model file, lower-case hex. */
  public String sha256() {
    return sha256;
  }

  /** The parsed ONNX model (external data inlined). */
  public Onnx.ModelProto proto() {
    return proto;
  }

  /** How inputs are preprocessed and outputs read. */
  public ModelCard card() {
    return card;
  }

  /** Class labels ("class N" where the model has none). */
  public Labels labels() {
    return labels;
  }

  /** Device, threads and the largest batch per ONNX Runtime call. */
  public RuntimeOptions runtime() {
    return runtime;
  }

  /** {channels, height, width} of one input image. */
  public int[] inputShape() {
    return chw.clone();
  }

  /** Number of classes the model scores. */
  public int numClasses() {
    return classifier.numClasses();
  }

  /** The pixel normalisation of the model card. */
  public Normalization normalization() {
    return Normalization.of(card, chw[0]);
  }

  /** The preprocessing of the model card (decode, resize, crop, normalise). */
  public Preprocessor preprocessor() {
    return Preprocessor.forCard(card);
  }

  /** The plain classifier session (owned by this model: do not close it). */
  public Classifier classifier() {
    ensureOpen();
    return classifier;
  }

  /** Raw scores [n,K] (logits, or probabilities for probability models) of normalised inputs [n,C,H,W]. */
  public float[] scores(float[] x, int n) {
    ensureOpen();
    return classifier.run(x, n);
  }

  /** Softmax probabilities of raw scores [n,K] (unchanged when the model outputs probabilities). */
  public float[] probabilities(float[] scores, int n) {
    float[] p = scores.clone();
    if (!card.outputsProbabilities()) {
      Softmax.rowsInPlace(p, n, numClasses());
    }
    return p;
  }

  /** Reads and preprocesses image files as the model card says. */
  public Images load(Path... files) {
    return load(Arrays.asList(files));
  }

  /** Reads and preprocesses image files as the model card says. */
  public Images load(List<Path> files) {
    if (files.isEmpty()) {
      throw LanterneException.usage("no image to load");
    }
    Preprocessor pre = preprocessor();
    List<String> names = new ArrayList<>();
    List<BufferedImage> shown = new ArrayList<>();
    float[] x = new float[files.size() * chw[0] * chw[1] * chw[2]];
    int per = chw[0] * chw[1] * chw[2];
    for (int i = 0; i < files.size(); i++) {
      Preprocessor.Prepared p = pre.prepare(files.get(i));
      names.add(files.get(i).getFileName().toString());
      shown.add(p.shown());
      System.arraycopy(p.tensor(), 0, x, i * per, per);
    }
    return new Images(names, shown, x, chw);
  }

  /** Preprocesses decoded pictures (any size) as the model card says; named "image 0", "image 1", ... */
  public Images images(BufferedImage... pictures) {
    Preprocessor pre = preprocessor();
    List<String> names = new ArrayList<>();
    List<BufferedImage> shown = new ArrayList<>();
    int per = chw[0] * chw[1] * chw[2];
    float[] x = new float[pictures.length * per];
    for (int i = 0; i < pictures.length; i++) {
      Preprocessor.Prepared p = pre.prepare(pictures[i]);
      names.add("image " + i);
      shown.add(p.shown());
      System.arraycopy(p.tensor(), 0, x, i * per, per);
    }
    return new Images(names, shown, x, chw);
  }

  /** Already normalised tensors [n,C,H,W]; the pictures shown are their un-normalised values. */
  public Images tensors(float[] x, int n, List<String> names) {
    int per = chw[0] * chw[1] * chw[2];
    if (x.length != n * per) {
      throw LanterneException.usage("the tensor has " + x.length + " values; " + n + " images of ["
          + chw[0] + "," + chw[1] + "," + chw[2] + "] need " + n * per);
    }
    Preprocessor pre = preprocessor();
    List<BufferedImage> shown = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      shown.add(pre.toImage(Arrays.copyOfRange(x, i * per, (i + 1) * per)));
    }
    return new Images(names, shown, x, chw);
  }

  /** Pixels in [0,1] of normalised values [..,C,H,W] (per channel x * std + mean): what masking methods perturb. */
  public float[] pixels(float[] normalised) {
    float[] mean = card.mean();
    float[] std = card.std();
    int plane = chw[1] * chw[2];
    float[] out = new float[normalised.length];
    for (int i = 0; i < normalised.length; i++) {
      int c = (i / plane) % chw[0];
      out[i] = normalised[i] * std[c] + mean[c];
    }
    return out;
  }

  /** The top k classes of each image, most probable first. */
  public List<List<Prediction>> classify(Images images, int k) {
    float[] scores = scores(images.tensor(), images.size());
    float[] prob = probabilities(scores, images.size());
    int classes = numClasses();
    List<List<Prediction>> out = new ArrayList<>();
    for (int i = 0; i < images.size(); i++) {
      List<Prediction> row = new ArrayList<>();
      for (int c : Target.topK(scores, i * classes, classes, Math.min(k, classes))) {
        row.add(new Prediction(c, labels.get(c), prob[i * classes + c], scores[i * classes + c]));
      }
      out.add(List.copyOf(row));
    }
    return out;
  }

  /**
   * The compiled saliency graph (scores and input gradient) with ReLUs passing gradients back as the
   * variant says; compiled on first use, then shared. Owned by this model: do not close it.
   */
  public GradientModel saliencyGraph(Variant variant) {
    if (finiteDifferences != null) {
      if (variant != Variant.STANDARD) {
        throw LanterneException.usage(variant.name().toLowerCase(java.util.Locale.ROOT)
            + " backpropagation changes how ReLUs pass gradients, which only the compiled gradient graph can do;"
            + " use the compiled gradient");
      }
      return session("saliency/fd", () -> new dev.lanterne.grad.FiniteDifferenceGradient(classifier,
          finiteDifferences));
    }
    return session("saliency/" + variant, () -> new SaliencySession(
        graph(GradientOptions.DEFAULT.withVariant(variant), GradientCompiler.Kind.SALIENCY), runtime));
  }

  /**
   * The same model with input gradients estimated by finite differences (antithetic Gaussian
   * directions through the plain classifier) instead of the compiled graph: for models the compiler
   * cannot differentiate. Shares this model's session; Grad-CAM and guided variants are refused.
   */
  public LanternModel withFiniteDifferences(dev.lanterne.grad.FiniteDifferenceGradient.Options options) {
    ensureOpen();
    LanternModel m = new LanternModel(path, name, sha256, proto, card, labels, runtime, cache, classifier);
    m.finiteDifferences = options;
    m.sharesClassifier = true;
    return m;
  }

  /** Whether input gradients come from finite differences rather than the compiled graph. */
  public boolean usesFiniteDifferences() {
    return finiteDifferences != null;
  }

  /** The finite-difference settings of {@link #withFiniteDifferences}, or null for the compiled graph. */
  public dev.lanterne.grad.FiniteDifferenceGradient.Options finiteDifferenceOptions() {
    return finiteDifferences;
  }

  /** The compiled Grad-CAM graph at a layer (null: the default layer). Owned by this model. */
  public CamModel camGraph(String layer) {
    if (finiteDifferences != null) {
      throw LanterneException.usage("Grad-CAM needs the gradient at an inner layer, which only the compiled"
          + " gradient graph gives; use the compiled gradient (or a perturbation method such as RISE)");
    }
    return session("gradcam/" + layer, () -> {
      Onnx.ModelProto g = graph(GradientOptions.DEFAULT.withLayer(layer), GradientCompiler.Kind.GRADCAM);
      return new GradCamSession(g, GradientCompiler.layerOf(g), runtime);
    });
  }

  /**
   * The Grad-CAM graph at a layer (null: the default) that explains each image's predicted class in
   * one pass ({@link CamModel#runPredicted}), or null when the model's graph cannot (scores not
   * [N,K], opset before 9). Built on first use; owned by this model.
   */
  public synchronized CamModel camGraphPredicted(String layer) {
    camGraph(layer); // the same checks and messages as the plain graph
    String key = "gradcam-predicted/" + layer;
    if (withoutPredictedSeed.contains(key)) {
      return null;
    }
    if (!sessions.containsKey(key)) {
      Onnx.ModelProto g = graph(GradientOptions.DEFAULT.withLayer(layer), GradientCompiler.Kind.GRADCAM);
      if (!dev.lanterne.grad.PredictedSeed.applies(g)) {
        withoutPredictedSeed.add(key);
        return null;
      }
      sessions.put(key, new GradCamSession(dev.lanterne.grad.PredictedSeed.apply(g), GradientCompiler.layerOf(g),
          runtime));
    }
    return (CamModel) sessions.get(key);
  }

  /**
   * The attention graph of a ViT-like model (each attention block's softmax, and with gradients its
   * gradient), built in memory on first use. Owned by this model.
   */
  public dev.lanterne.runtime.AttentionModel attentionGraph(boolean gradients) {
    return session("attention/" + gradients, () -> new dev.lanterne.grad.AttentionSession(
        GradientCompiler.attention(proto, GradientOptions.DEFAULT, gradients), runtime));
  }

  /** The compiled inversion-step graph. Owned by this model. */
  public InversionModel inversionGraph() {
    return session("inversion", () -> new InversionSession(graph(GradientOptions.DEFAULT,
        GradientCompiler.Kind.INVERSION), runtime));
  }

  /**
   * A session derived from this model that methods outside this class build (a model split at a
   * layer, a DeepLift graph): created once per key under the model's lock, closed with the model.
   * Owned by this model: do not close it.
   *
   * @param key what it is ("layer-tail/NAME", ...), unique per kind of derived graph
   */
  public <T extends AutoCloseable> T derivedSession(String key, java.util.function.Supplier<T> factory) {
    return session("derived/" + key, factory::get);
  }

  /** One derived graph, built alone (the others are not compiled), through the cache when there is one. */
  private Onnx.ModelProto graph(GradientOptions options, GradientCompiler.Kind kind) {
    return cache != null ? cache.getOrCompile(proto, options, kind) : GradientCompiler.compile(proto, options, kind);
  }

  private interface SessionFactory<T extends AutoCloseable> {
    T open();
  }

  @SuppressWarnings("unchecked")
  private synchronized <T extends AutoCloseable> T session(String key, SessionFactory<T> factory) {
    ensureOpen();
    AutoCloseable s = sessions.get(key);
    if (s == null) {
      s = factory.open();
      sessions.put(key, s);
    }
    return (T) s;
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("the model " + name + " is closed");
    }
  }

  /** Closes every session of this model; idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (AutoCloseable s : sessions.values()) {
      try {
        s.close();
      } catch (Exception e) {
        // closing is best effort: the other sessions must still be released
      }
    }
    sessions.clear();
    if (!sharesClassifier) {
      classifier.close();
    }
  }

  @Override
  public String toString() {
    return name + " (" + chw[0] + "x" + chw[1] + "x" + chw[2] + ", " + numClasses() + " classes, card "
        + card.name() + ")";
  }

  /**
   * Options for opening a model. Card resolution: an explicit card, else a named preset, else the
   * bundled card matching the file's SHA-256 (then its file name), else torchvision preprocessing
   * with a warning. Labels: an explicit file, else the card's labels ("imagenet": a file
   * {@code imagenet-classes.txt} beside the model, in its parent folder, or in the cache folder).
   */
  public static final class Builder {
    private final Path file;
    private ModelCard card;
    private Path cardFile;
    private String preset;
    private Path labelsFile;
    private Labels labels;
    private RuntimeOptions runtime = RuntimeOptions.DEFAULT;
    private Path cacheDir = GraphCache.defaultDir();
    private Consumer<String> warnings = w -> System.err.println("lanterne: warning: " + w);
    private int[] size;

    private Builder(Path file) {
      this.file = file;
    }

    /** Use this card instead of looking one up. */
    public Builder card(ModelCard c) {
      this.card = c;
      return this;
    }

    /** Read the card from a JSON file (its labels path is relative to that file's folder). */
    public Builder cardFile(Path f) {
      this.cardFile = f;
      return this;
    }

    /** A preprocessing preset instead of a card: "torchvision" or "inception". */
    public Builder preset(String p) {
      this.preset = p;
      return this;
    }

    /** Labels from a text file, one per line (line N+1 is class N). */
    public Builder labels(Path f) {
      this.labelsFile = f;
      return this;
    }

    /** Labels given directly. */
    public Builder labels(Labels l) {
      this.labels = l;
      return this;
    }

    /** Device, threads and largest batch. */
    public Builder runtime(RuntimeOptions r) {
      this.runtime = r;
      return this;
    }

    /** CPU or CUDA. */
    public Builder device(Device d) {
      this.runtime = runtime.withDevice(d);
      return this;
    }

    /** ONNX Runtime intra-op threads (0, the default: the process-wide pool of a thread per core). */
    public Builder threads(int t) {
      this.runtime = runtime.withThreads(t);
      return this;
    }

    /** Largest batch per ONNX Runtime call. */
    public Builder batch(int b) {
      this.runtime = runtime.withMaxBatch(b);
      return this;
    }

    /** Folder of the derived-graph cache; null compiles in memory every time. */
    public Builder cache(Path dir) {
      this.cacheDir = dir;
      return this;
    }

    /**
     * The input size {height, width} for models whose input size is symbolic (null: from the card);
     * channels-last inputs are rewritten to channels-first at this size.
     */
    public Builder size(int[] heightWidth) {
      this.size = heightWidth == null ? null : heightWidth.clone();
      return this;
    }

    /** Where warnings go (default: one line on stderr). */
    public Builder warnings(Consumer<String> w) {
      this.warnings = w;
      return this;
    }

    /** Reads, checks and opens the model. */
    public LanternModel open() {
      return LanternModel.open(describe(), cacheDir);
    }

    /**
     * Reads and checks the model file and resolves its card and labels without opening an ONNX
     * Runtime session.
     */
    public ModelDescription describe() {
      if (file == null || file.toString().isEmpty()) {
        throw LanterneException.usage("no model file given");
      }
      if (!Files.isRegularFile(file)) {
        throw new LanterneException("model file " + file + " does not exist; check the path"
            + " (see onnx/README.md for how to get models)");
      }
      byte[] raw = OnnxModels.readFile(file);
      String sha = OnnxModels.sha256(raw);
      // the one checked path: external data inlined from inside the model's real folder only
      Onnx.ModelProto proto = OnnxModels.load(file);
      String fileName = file.getFileName().toString();
      Path modelFile = file;
      Path cardDir = null;
      ModelCard c = card;
      boolean guessed = false;
      if (c == null && cardFile != null) {
        c = ModelCard.read(cardFile);
        cardDir = cardFile.toAbsolutePath().getParent();
      }
      if (c == null && preset == null) {
        c = ModelRegistry.find(sha, fileName).orElse(null);
        if (c != null && c.sha256() != null && !c.sha256().equalsIgnoreCase(sha)) {
          warnings.accept(fileName + " has the name of a known model but another SHA-256 (" + sha.substring(0, 12)
              + "... instead of " + c.sha256().substring(0, 12) + "...); using that model's card anyway;"
              + " give its own card if it is a different model");
        }
      }
      // channels-last or symbolic-size inputs: rewritten to [N,C,H,W] at a fixed size, kept in the cache
      dev.lanterne.onnx.ImageInput.Info info = dev.lanterne.onnx.ImageInput.describe(proto,
          c != null && c.inputLayout() != null ? dev.lanterne.onnx.ImageInput.Layout.parse(c.inputLayout()) : null);
      int[] hw = size;
      if (hw == null && c != null && (info.height() < 1 || info.width() < 1)) {
        hw = c.inputSize();
      }
      if (info.needsAdapting() || hw != null) {
        Onnx.ModelProto adapted = dev.lanterne.onnx.ImageInput.toNchw(proto, info, hw);
        if (adapted != proto) {
          proto = adapted;
          modelFile = adaptedFile(file, sha, info, adapted);
        }
      }
      int[] shape = OnnxModels.imageInputShape(proto, fileName);
      int classes = OnnxModels.classCount(proto, fileName);
      if (c == null && preset != null) {
        c = ModelCard.preset(preset, shape[1], shape[2]);
        guessed = true; // a preset's ImageNet labels are a guess too
      }
      if (c == null) {
        warnings.accept("no model card for " + fileName + " (sha256 " + sha.substring(0, 12)
            + "...); using torchvision preprocessing at " + shape[1] + "x" + shape[2]
            + "; give a card or the inception preset if that is wrong");
        dev.lanterne.onnx.ImageInput.bakedPreprocessing(proto).ifPresent(node -> warnings.accept("the model"
            + " normalises its input itself (" + node + "), so torchvision preprocessing may normalise twice;"
            + " give a card whose mean and std produce the range it expects (e.g. mean 0, std 1 for [0,1])"));
        c = ModelCard.torchvision(shape[1], shape[2]);
        guessed = true;
      }
      c = c.withInputLayout(info.layout().name());
      if (c.height() != shape[1] || c.width() != shape[2]) {
        throw LanterneException.usage("the model card says input " + c.height() + "x" + c.width() + " but "
            + fileName + " takes " + shape[1] + "x" + shape[2] + "; use the card for this model");
      }
      Labels l = resolveLabels(c, cardDir);
      if (classes > 0 && l.size() > 0 && l.size() != classes && guessed && labels == null && labelsFile == null) {
        l = Labels.none(); // the guessed card's ImageNet labels do not belong to this model
      }
      if (classes > 0 && l.size() > 0 && l.size() != classes) {
        throw LanterneException.usage("the labels have " + l.size() + " lines but " + fileName + " has " + classes
            + " classes; give the label file of this model (one label per class)");
      }
      String stem = fileName.replaceFirst("\\.[^.]+$", "");
      return new ModelDescription(modelFile, stem, sha, proto, c, l, shape[0], runtime);
    }

    /** The rewritten model as a file in the cache, so commands that reopen the file see the same graph. */
    private static Path adaptedFile(Path original, String sha, dev.lanterne.onnx.ImageInput.Info info,
        Onnx.ModelProto adapted) {
      long[] dims = adapted.getGraph().getInputList().stream().filter(v -> v.getName().equals(info.name()))
          .findFirst().orElseThrow().getType().getTensorType().getShape().getDimList().stream()
          .mapToLong(d -> d.getDimValue()).toArray();
      Path f = dev.lanterne.model.CacheRoot.dir().resolve("adapted").resolve(sha.substring(0, 16) + "-"
          + info.layout() + "-" + dims[2] + "x" + dims[3]).resolve(original.getFileName().toString());
      try {
        if (!Files.isRegularFile(f)) {
          dev.lanterne.tensor.AtomicFiles.write(f, adapted.toByteArray());
        }
        return f;
      } catch (LanterneException e) {
        return original; // an unwritable cache: the description still holds the adapted graph
      }
    }

    private Labels resolveLabels(ModelCard c, Path cardDir) {
      try {
        if (labels != null) {
          return labels;
        }
        if (labelsFile != null) {
          if (!Files.isRegularFile(labelsFile)) {
            throw new LanterneException("label file " + labelsFile + " does not exist; check its path");
          }
          return Labels.read(labelsFile);
        }
        String l = c.labels();
        if (l == null) {
          return Labels.none();
        }
        Path modelDir = file.toAbsolutePath().getParent();
        if (l.equals("imagenet")) {
          List<Path> candidates = new ArrayList<>();
          candidates.add(modelDir.resolve("imagenet-classes.txt"));
          if (modelDir.getParent() != null) {
            candidates.add(modelDir.getParent().resolve("imagenet-classes.txt"));
          }
          candidates.add(dev.lanterne.model.CacheRoot.dir().resolve("imagenet-classes.txt"));
          for (Path p : candidates) {
            if (Files.isRegularFile(p)) {
              return Labels.read(p);
            }
          }
          return Labels.none();
        }
        // a card's labels are a file name relative to the card's folder (or the model's): the same rule as
        // external data, no absolute path, no "..", no link out of the folder
        for (Path dir : cardDir == null ? List.of(modelDir) : List.of(cardDir, modelDir)) {
          String what = "the card's labels";
          if (Path.of(l).isAbsolute() || !dir.resolve(l).normalize().startsWith(dir.normalize())) {
            dev.lanterne.tensor.ContainedPaths.resolve(dir, l, what); // refuses with the message such paths get
          }
          if (dev.lanterne.tensor.ContainedPaths.existsInside(dir, l)) {
            return Labels.read(dev.lanterne.tensor.ContainedPaths.resolve(dir, l, what));
          }
        }
        String resourceDir = "demo".equals(c.name()) || "shapes".equals(c.name()) ? "demo/" : "";
        if (ModelRegistry.resource(resourceDir + l) != null) {
          return Labels.of(new String(ModelRegistry.readResource(resourceDir + l),
              java.nio.charset.StandardCharsets.UTF_8).lines().map(String::strip).filter(s -> !s.isEmpty())
              .toList());
        }
        return Labels.none();
      } catch (IOException e) {
        throw new LanterneException("cannot read labels (" + e.getMessage() + ")", e);
      }
    }
  }
}
