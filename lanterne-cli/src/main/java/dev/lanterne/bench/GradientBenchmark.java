package dev.lanterne.bench;

import static dev.lanterne.bench.Timing.WARM_UP_CALLS;

import dev.lanterne.grad.DerivedGraphRunner;
import dev.lanterne.grad.GradientCompiler;
import dev.lanterne.grad.GradientOptions;
import dev.lanterne.onnx.OnnxModels;
import dev.lanterne.onnx.proto.Onnx;
import dev.lanterne.runtime.Classifier;
import dev.lanterne.grad.InversionSession;
import dev.lanterne.runtime.RuntimeOptions;
import dev.lanterne.grad.SaliencySession;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Time of one saliency-graph call (forward + backward) and of one inversion step against one forward
 * pass of the plain model, same batch and threads, timed in alternating order; the compile time of
 * each derived graph; optionally ONNX Runtime's per-operator profile of the saliency graph. Theory
 * puts a gradient near 2-3 forward passes.
 */
public final class GradientBenchmark {
  /**
   * The models benchmarked when none is given, relative to ../shared/models: every model the issue's
   * targets name (torchvision, the zoo at both opsets, the QDQ model and MobileNetV1).
   */
  public static final List<String> DEFAULT_MODELS = List.of("torchvision/resnet18.onnx",
      "torchvision/squeezenet1_1.onnx", "torchvision/mobilenet_v3_small.onnx", "mobilenetv2-1.0-224-qdq.onnx",
      "mobilenetv1-0.25-128.onnx", "zoo/convnext_small_cfg_op13.onnx", "zoo/convnext_small_cfg_op17.onnx",
      "zoo/swin_tiny_op13.onnx", "zoo/swin_tiny_op17.onnx", "zoo/vit_tiny_op13.onnx", "zoo/vit_tiny_op17.onnx");

  private GradientBenchmark() {}

  /**
   * What to measure.
   *
   * @param runs how many times the whole set of models is measured, one model after another; with more than
   *     one, a last table gives each ratio's median and range (single runs move with the machine's load)
   */
  public record Settings(int[] batches, int repeats, boolean inversion, boolean profile, int top, int runs) {}

  /** One measured line: a model at a batch size (inversion NaN when not measured). */
  private record Row(String model, int batch, double forwardMs, double saliencyRatio, double inversionRatio) {}

  /** The default models that exist under shared/models. */
  public static List<Path> defaultModels(Path shared) {
    List<Path> models = new ArrayList<>();
    for (String name : DEFAULT_MODELS) {
      Path p = shared.resolve("models").resolve(name);
      if (Files.isRegularFile(p)) {
        models.add(p);
      }
    }
    return models;
  }

  /** Benchmarks each model; a model the compiler cannot differentiate is reported and skipped. */
  public static void run(List<Path> models, RuntimeOptions options, Settings s, PrintStream out) {
    java.util.Map<String, List<Row>> byLine = new java.util.LinkedHashMap<>();
    for (int r = 1; r <= s.runs(); r++) {
      if (s.runs() > 1) {
        out.printf(Locale.ROOT, "run %d of %d (load average %.1f)%n", r, s.runs(),
            java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
      }
      out.printf(Locale.ROOT, "%-30s %8s %8s %5s %11s %12s %6s %13s %6s%n", "model", "compile", "session", "batch",
          "forward ms", "saliency ms", "ratio", "inversion ms", "ratio");
      for (Path model : models) {
        try {
          for (Row row : run(model, options, s, out)) {
            byLine.computeIfAbsent(row.model() + " " + row.batch(), key -> new ArrayList<>()).add(row);
          }
        } catch (RuntimeException e) {
          out.printf(Locale.ROOT, "%-30s skipped: %s%n", model.getFileName(), e.getMessage());
        }
      }
    }
    if (s.runs() > 1) {
      out.printf(Locale.ROOT, "median of %d runs (range)%n", s.runs());
      out.printf(Locale.ROOT, "%-30s %5s %11s %22s %22s%n", "model", "batch", "forward ms", "saliency / forward",
          "inversion / forward");
      for (List<Row> rows : byLine.values()) {
        Row first = rows.get(0);
        out.printf(Locale.ROOT, "%-30s %5d %11.1f %22s %22s%n", first.model(), first.batch(),
            Timing.median(rows.stream().mapToDouble(Row::forwardMs).toArray()),
            spread(rows.stream().mapToDouble(Row::saliencyRatio).toArray()),
            spread(rows.stream().mapToDouble(Row::inversionRatio).toArray()));
      }
    }
  }

  /** "median (min-max)", or "-" for values never measured. */
  private static String spread(double[] v) {
    if (Double.isNaN(v[0])) {
      return "-";
    }
    double[] sorted = v.clone();
    java.util.Arrays.sort(sorted);
    return String.format(Locale.ROOT, "%.2f (%.2f-%.2f)", Timing.median(v), sorted[0], sorted[sorted.length - 1]);
  }

  private static List<Row> run(Path modelFile, RuntimeOptions options, Settings s, PrintStream out) {
    List<Row> rows = new ArrayList<>();
    Onnx.ModelProto model = OnnxModels.load(modelFile);
    String name = modelFile.getFileName().toString().replace(".onnx", "");
    long t0 = System.nanoTime();
    Onnx.ModelProto saliency = GradientCompiler.compileSaliency(model, GradientOptions.DEFAULT);
    double compile = (System.nanoTime() - t0) / 1e9;
    Onnx.ModelProto inversion = s.inversion() ? GradientCompiler.compileInversion(model, GradientOptions.DEFAULT)
        : null;
    long t1 = System.nanoTime();
    try (Classifier plain = Classifier.open(model.toByteArray(), name, options);
        SaliencySession grad = new SaliencySession(saliency, options);
        InversionSession inv = inversion == null ? null : new InversionSession(inversion, options)) {
      double session = (System.nanoTime() - t1) / 1e9;
      int[] chw = plain.inputShape();
      int k = plain.numClasses();
      boolean first = true;
      for (int batch : s.batches()) {
        float[] x = input(chw, batch);
        float[] seed = seed(batch, k);
        // alternating order: ONNX Runtime's spinning idle threads slow whichever session runs next
        double[][] t = Timing.alternating(WARM_UP_CALLS, s.repeats(), () -> plain.run(x, batch),
            () -> grad.gradient(x, batch, seed));
        double fwd = t[0][0] * 1e3;
        double sal = t[1][0] * 1e3;
        String invCols = "";
        double invRatio = Double.NaN;
        if (inv != null) {
          double[][] ti = Timing.alternating(WARM_UP_CALLS, s.repeats(), () -> plain.run(x, batch),
              () -> inv.update(x, batch, seed, 0.05f, 0f));
          double invMs = ti[1][0] * 1e3;
          invRatio = invMs / (ti[0][0] * 1e3);
          invCols = String.format(Locale.ROOT, " %13.1f %6.2f", invMs, invRatio);
        }
        out.printf(Locale.ROOT, "%-30s %8s %8s %5d %11.1f %12.1f %6.2f%s%n", name,
            first ? String.format(Locale.ROOT, "%.2fs", compile) : "",
            first ? String.format(Locale.ROOT, "%.2fs", session) : "", batch, fwd, sal, sal / fwd, invCols);
        first = false;
        rows.add(new Row(name, batch, fwd, sal / fwd, invRatio));
      }
      if (s.profile()) {
        profile(name, saliency, options, s, chw, k, out);
      }
    }
    return rows;
  }

  /** Runs the saliency graph in a profiled session and prints the top operators of each part. */
  private static void profile(String name, Onnx.ModelProto saliency, RuntimeOptions options, Settings s, int[] chw,
      int k, PrintStream out) {
    Path dir;
    try {
      dir = Files.createTempDirectory("lanterne-profile");
    } catch (IOException e) {
      throw new dev.lanterne.LanterneException("cannot create a temporary folder for the profile", e);
    }
    for (int batch : s.batches()) {
      float[] x = input(chw, batch);
      float[] seed = seed(batch, k);
      Path trace;
      Path prefix = dir.resolve(name + "-b" + batch);
      try (DerivedGraphRunner runner = new DerivedGraphRunner(saliency, options, "the saliency graph", prefix)) {
        // warm-up calls more, left out of the totals
        for (int r = 0; r < s.repeats() + WARM_UP_CALLS; r++) {
          runner.run(x, batch, seed, Map.of(), List.of(runner.scoresName(), GradientCompiler.GRAD_INPUT));
        }
        trace = runner.endProfiling();
      }
      out.printf(Locale.ROOT,
          "%s, batch %d: ONNX Runtime profile of the saliency graph over %d calls after %d warm-up calls%n", name,
          batch, s.repeats(), WARM_UP_CALLS);
      Path optimised = dev.lanterne.runtime.OrtSessions.optimisedGraphOf(prefix);
      OrtProfile profile;
      try {
        Set<String> forward = OrtProfile.forwardNodes(Onnx.ModelProto.parseFrom(Files.readAllBytes(optimised))
            .getGraph(), Set.of(GradientCompiler.GRAD_INPUT));
        profile = OrtProfile.read(trace, forward::contains, s.repeats(), WARM_UP_CALLS);
      } catch (IOException e) {
        // without the optimised graph, the compiler's node names say which part a node is in (ONNX
        // Runtime's own reorders and transposes then count as forward)
        profile = OrtProfile.read(trace, GradientCompiler.BACKWARD_PREFIX, s.repeats(), WARM_UP_CALLS);
      }
      profile.print(out, s.top());
      try {
        Files.deleteIfExists(optimised);
        Files.deleteIfExists(trace);
      } catch (IOException e) {
        // a leftover temporary file is harmless
      }
    }
  }

  private static float[] input(int[] chw, int batch) {
    float[] x = new float[batch * chw[0] * chw[1] * chw[2]];
    SplittableRandom rnd = new SplittableRandom(batch);
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) rnd.nextDouble(-1, 1);
    }
    return x;
  }

  private static float[] seed(int batch, int k) {
    float[] seed = new float[batch * k];
    for (int i = 0; i < batch; i++) {
      seed[i * k + (i % k)] = 1f;
    }
    return seed;
  }
}
