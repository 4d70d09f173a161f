package dev.lanterne.bench;

import dev.lanterne.explain.inversion.AscentTrace;
import dev.lanterne.explain.LanternModel;
import dev.lanterne.explain.inversion.ClassInversion;
import dev.lanterne.explain.inversion.InversionTarget;
import dev.lanterne.explain.inversion.InversionModels;
import dev.lanterne.explain.inversion.InversionOptions;
import dev.lanterne.explain.inversion.InversionOutputs;
import dev.lanterne.explain.inversion.InversionSummary;
import dev.lanterne.explain.inversion.StepListener;
import dev.lanterne.image.Preprocessor;
import dev.lanterne.model.Labels;
import dev.lanterne.model.ModelCard;
import dev.lanterne.runtime.Classifier;
import dev.lanterne.runtime.InversionModel;
import dev.lanterne.runtime.RuntimeOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Class-model inversion on the pretrained QDQ MobileNetV2: (1) the time of one inversion step
 * against one forward pass, at batch 1 and 7; (2) the full run, 200 steps from noise on the seven
 * course classes with blur every 4 steps, against the same run without regularisation: final
 * probabilities, high-frequency energy (ratio), and transfer to MobileNetV1 0.25.
 *
 * <p>Usage: InversionBenchmark [--shared DIR] [--steps T] [--repeats N] [--threads T] [--out DIR] [--timing-only]
 * [--logprob] [--lr LR] [--regularised-only]
 */
public final class InversionBenchmark {
  static final int[] COURSE_CLASSES = {130, 208, 288, 402, 620, 817, 954};

  private InversionBenchmark() {}

  public static void main(String[] args) throws Exception {
    Path shared = Path.of("..", "shared");
    int steps = 200;
    int repeats = 5;
    int threads = 0;
    Path out = null;
    boolean timingOnly = false;
    boolean logProbability = false;
    double lr = InversionOptions.defaults().learningRate();
    boolean regularisedOnly = false;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--shared" -> shared = Path.of(args[++i]);
        case "--steps" -> steps = Integer.parseInt(args[++i]);
        case "--repeats" -> repeats = Integer.parseInt(args[++i]);
        case "--threads" -> threads = Integer.parseInt(args[++i]);
        case "--out" -> out = Path.of(args[++i]);
        case "--timing-only" -> timingOnly = true;
        case "--logprob" -> logProbability = true;
        case "--lr" -> lr = Double.parseDouble(args[++i]);
        case "--regularised-only" -> regularisedOnly = true;
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    RuntimeOptions rt = RuntimeOptions.DEFAULT.withThreads(threads);
    Path v2 = shared.resolve("models/mobilenetv2-1.0-224-qdq.onnx");
    Path v1 = shared.resolve("models/mobilenetv1-0.25-128.onnx");
    Labels labels = Labels.read(shared.resolve("models/imagenet-classes.txt"));
    ModelCard card = ModelCard.inception(224, 224);
    byte[] bytes = Files.readAllBytes(v2);
    long t0 = System.nanoTime();
    try (InversionModel inv = InversionModels.compile(bytes, true, rt);
        LanternModel model = LanternModel.builder(v2).card(card).labels(labels).runtime(rt).open()) {
      Classifier plain = model.classifier();
      System.out.printf(Locale.ROOT, "inversion graph ready in %.1f s (compiled or from cache)%n",
          (System.nanoTime() - t0) / 1e9);
      timing(inv, plain, repeats);
      if (timingOnly) {
        return;
      }
      InversionOptions d = InversionOptions.defaults();
      InversionOptions regularised = d.withSteps(steps).withSeed(0).withLogProbability(logProbability)
          .withOptimizer(d.optimizer(), lr, d.momentum());
      System.out.println("objective: " + (logProbability ? "log-probability" : "pre-softmax score"));
      InversionOptions raw = regularised.unregularized();
      Map<String, AscentTrace> runs = new LinkedHashMap<>();
      Map<String, InversionOptions> settings = regularisedOnly ? Map.of("regularised", regularised)
          : Map.of("regularised", regularised, "unregularised", raw);
      for (Map.Entry<String, InversionOptions> e : settings.entrySet().stream().sorted(Map.Entry.comparingByKey())
          .toList()) {
        long s = System.nanoTime();
        AscentTrace t = new ClassInversion(model, new ClassInversion.Options(e.getValue(),
            ClassInversion.Parameterization.PIXELS)).invert(InversionTarget.classes(COURSE_CLASSES), StepListener.NONE);
        System.out.printf(Locale.ROOT, "%n%s run: %d steps x %d classes in %.1f s%n", e.getKey(), steps,
            COURSE_CLASSES.length, (System.nanoTime() - s) / 1e9);
        runs.put(e.getKey(), t);
        if (out != null) {
          List<String> names = new ArrayList<>();
          for (int c : COURSE_CLASSES) {
            names.add(InversionOutputs.name(c, labels));
          }
          Path dir = out.resolve(e.getKey());
          Files.createDirectories(dir);
          InversionOutputs.write(dir, t, COURSE_CLASSES, names, card, "invert",
              Map.of("model", v2.getFileName().toString(), "steps", steps, "regularised", e.getKey()));
        }
      }
      try (Classifier other = Classifier.open(v1, rt)) {
        report(runs, plain, card, other, ModelCard.inception(128, 128), labels);
      }
    }
  }

  private static void timing(InversionModel inv, Classifier plain, int repeats) {
    int per = 3 * 224 * 224;
    System.out.printf(Locale.ROOT, "%n%5s %12s %16s %7s%n", "batch", "forward ms", "inversion ms", "ratio");
    for (int n : new int[] {1, 7}) {
      SplittableRandom r = new SplittableRandom(n);
      float[] x = new float[n * per];
      for (int i = 0; i < x.length; i++) {
        x[i] = (float) r.nextDouble(-1, 1);
      }
      float[] seed = new float[n * 1000];
      for (int i = 0; i < n; i++) {
        seed[i * 1000 + COURSE_CLASSES[i]] = 1;
      }
      double f = Timing.median(2, repeats, () -> plain.run(x, n));
      double s = Timing.median(2, repeats, () -> inv.update(x, n, seed, 0.05f, 0f));
      System.out.printf(Locale.ROOT, "%5d %12.1f %16.1f %7.2f%n", n, f * 1e3, s * 1e3, s / f);
    }
  }

  private static void report(Map<String, AscentTrace> runs, Classifier plain, ModelCard card, Classifier other,
      ModelCard otherCard, Labels labels) {
    Preprocessor pre = Preprocessor.forCard(card);
    Map<String, InversionSummary> summaries = new LinkedHashMap<>();
    for (Map.Entry<String, AscentTrace> e : runs.entrySet()) {
      AscentTrace t = e.getValue();
      InversionSummary s = InversionSummary.of(e.getKey(), t, COURSE_CLASSES, card, other, otherCard);
      summaries.put(e.getKey(), s);
      System.out.printf(Locale.ROOT, "%n%s%n%-28s %8s %8s %8s %7s  %s%n", e.getKey(), "class", "p graph", "p saved",
          "top1 sv", "HF", "V1 rank  MobileNetV1 top-1");
      for (int i = 0; i < t.n(); i++) {
        InversionSummary.Row r = s.rows().get(i);
        int c = r.target();
        // the saved 8-bit PNG, classified again by the plain model, independently of the gradient graph
        float[] scores = plain.run(pre.normalize(pre.toImage(t.image(i))), 1);
        int top = argmax(scores);
        System.out.printf(Locale.ROOT, "%-28.28s %8.4f %8.4f %8s %7.3f  %7d  %d %s%n",
            InversionOutputs.name(c, labels), r.probability(), softmax(scores, c),
            top == c ? "yes" : String.valueOf(top), r.highFrequency(), r.transferRank(), r.transferTop1(),
            r.transfers() ? "(agrees)" : labels.get(r.transferTop1()));
      }
      System.out.printf(Locale.ROOT, "classes above p 0.9: %d/%d; mean high-frequency energy %.3f;"
          + " MobileNetV1 agreement top-1 %.0f%%, top-5 %.0f%%, mean rank %.0f%n", s.countAbove(0.9), t.n(),
          s.meanHighFrequency(), 100 * s.transferAgreement(), 100 * s.transferTop5(), s.meanTransferRank());
    }
    if (summaries.size() == 2) {
      System.out.printf(Locale.ROOT, "%nhigh-frequency energy ratio regularised / unregularised: %.3f%n",
          summaries.get("regularised").highFrequencyRatio(summaries.get("unregularised")));
    }
  }

  private static float softmax(float[] s, int c) {
    double max = Double.NEGATIVE_INFINITY;
    for (float v : s) {
      max = Math.max(max, v);
    }
    double sum = 0;
    for (float v : s) {
      sum += Math.exp(v - max);
    }
    return (float) (Math.exp(s[c] - max) / sum);
  }

  private static int argmax(float[] s) {
    int b = 0;
    for (int i = 1; i < s.length; i++) {
      b = s[i] > s[b] ? i : b;
    }
    return b;
  }
}
