package dev.lanterne.bench;

import static dev.lanterne.bench.Timing.WARM_UP_CALLS;

import dev.lanterne.explain.gradient.Scoring;
import dev.lanterne.explain.gradient.SmoothGrad;
import dev.lanterne.explain.perturbation.BlackBox;
import dev.lanterne.explain.perturbation.Rise;
import dev.lanterne.explain.perturbation.RiseOptions;
import dev.lanterne.grad.GradientOptions;
import dev.lanterne.grad.Gradients;
import dev.lanterne.image.Normalization;
import dev.lanterne.model.Labels;
import dev.lanterne.onnx.OnnxModels;
import dev.lanterne.onnx.proto.Onnx;
import dev.lanterne.runtime.CamModel;
import dev.lanterne.runtime.Classifier;
import dev.lanterne.runtime.GradientModel;
import dev.lanterne.runtime.RuntimeOptions;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The time of each explanation method as a user calls it, for comparison with the same methods in
 * PyTorch ({@code tools/bench_pytorch.py} runs both): forward pass, input gradient (one saliency-graph
 * call), Grad-CAM (one Grad-CAM-graph call) at each batch size; SmoothGrad with n samples on one image;
 * RISE with N masks in batches of 50. Median milliseconds per call; each line also starts with
 * "RESULT" in a machine-readable form.
 */
public final class MethodsBenchmark {
  private MethodsBenchmark() {}

  /** What to measure. */
  public record Settings(int[] batches, int repeats, int smoothGradSamples, int riseMasks, int riseBatch) {}

  public static void run(List<Path> models, RuntimeOptions options, Settings s, PrintStream out) {
    out.printf(Locale.ROOT, "%-30s %-12s %6s %12s%n", "model", "method", "batch", "ms");
    for (Path model : models) {
      run(model, options, s, out);
    }
  }

  private static void run(Path file, RuntimeOptions options, Settings s, PrintStream out) {
    String name = file.getFileName().toString().replace(".onnx", "");
    Onnx.ModelProto model = OnnxModels.load(file);
    int maxBatch = Math.max(s.smoothGradSamples() + 1, Math.max(s.riseBatch(), Arrays.stream(s.batches()).max()
        .orElse(1)));
    RuntimeOptions rt = options.withMaxBatch(maxBatch);
    try (Classifier plain = Classifier.open(model.toByteArray(), name, rt);
        GradientModel saliency = Gradients.saliency(model, GradientOptions.DEFAULT, rt);
        CamModel cam = Gradients.gradcam(model, GradientOptions.DEFAULT, rt)) {
      int[] chw = plain.inputShape();
      int k = plain.numClasses();
      for (int b : s.batches()) {
        float[] x = random(b * chw[0] * chw[1] * chw[2], b);
        float[] seed = new float[b * k];
        for (int i = 0; i < b; i++) {
          seed[i * k + i % k] = 1f;
        }
        row(out, name, "forward", b, Timing.median(WARM_UP_CALLS, s.repeats(), () -> plain.run(x, b)));
        row(out, name, "gradient", b, Timing.median(WARM_UP_CALLS, s.repeats(), () -> saliency.gradient(x, b, seed)));
        row(out, name, "gradcam", b, Timing.median(WARM_UP_CALLS, s.repeats(), () -> cam.run(x, b, seed)));
      }
      float[] image = random(chw[0] * chw[1] * chw[2], 7);
      float[] half = new float[chw[0]];
      Arrays.fill(half, 0.5f);
      Normalization norm = new Normalization(half, half);
      SmoothGrad smooth = new SmoothGrad(saliency, Scoring.LOGITS);
      SmoothGrad.Options o = SmoothGrad.Options.defaults(norm).withSamples(s.smoothGradSamples());
      row(out, name, "smoothgrad" + s.smoothGradSamples(), 1,
          Timing.median(WARM_UP_CALLS, s.repeats(), () -> smooth.explain(image, 1, new int[][] {{1}}, o)));
      BlackBox box = new BlackBox(plain, norm, Labels.none(), false);
      float[] pixels = random(chw[0] * chw[1] * chw[2], 11);
      for (int i = 0; i < pixels.length; i++) {
        pixels[i] = 0.5f + 0.5f * pixels[i];
      }
      RiseOptions ro = RiseOptions.DEFAULTS.withBatch(s.riseBatch()).withMasks(s.riseMasks());
      row(out, name, "rise" + s.riseMasks(), 1, Timing.median(0, Math.max(1, s.repeats() / 2),
          () -> new Rise(ro).explain(box, pixels, new int[] {1})));
    }
  }

  private static void row(PrintStream out, String model, String method, int batch, double seconds) {
    out.printf(Locale.ROOT, "%-30s %-12s %6d %12.1f%n", model, method, batch, seconds * 1e3);
    out.printf(Locale.ROOT, "RESULT %s %s %d %.3f%n", model, method, batch, seconds * 1e3);
  }

  private static float[] random(int size, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] x = new float[size];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) r.nextDouble(-1, 1);
    }
    return x;
  }
}
