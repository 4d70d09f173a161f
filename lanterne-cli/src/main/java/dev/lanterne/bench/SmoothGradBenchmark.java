package dev.lanterne.bench;

import dev.lanterne.image.Normalization;
import dev.lanterne.explain.gradient.Scoring;
import dev.lanterne.explain.gradient.SmoothGrad;
import dev.lanterne.grad.GradientOptions;
import dev.lanterne.grad.Gradients;
import dev.lanterne.runtime.GradientModel;
import dev.lanterne.runtime.RuntimeOptions;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

/**
 * SmoothGrad with n noisy samples on one image against one call of the saliency graph on a batch of
 * n images, on the same session: the overhead of SmoothGrad's own work (noise, one extra clean row,
 * aggregation) over the batched gradient it needs. Target (issue 11): at most 1.1x.
 */
public final class SmoothGradBenchmark {
  private SmoothGradBenchmark() {}

  public static void run(List<Path> models, int samples, RuntimeOptions options, PrintStream out) {
    for (Path model : models) {
      run(model, samples, options, out);
    }
  }

  public static void run(Path model, int samples, RuntimeOptions options, PrintStream out) {
    try (GradientModel saliency = Gradients.saliency(model, GradientOptions.DEFAULT, options)) {
      int[] chw = saliency.inputShape();
      int per = chw[0] * chw[1] * chw[2];
      int k = saliency.numClasses();
      SplittableRandom r = new SplittableRandom(1);
      float[] batch = new float[samples * per];
      for (int i = 0; i < batch.length; i++) {
        batch[i] = (float) r.nextDouble(-1, 1);
      }
      float[] image = java.util.Arrays.copyOf(batch, per);
      float[] seed = new float[samples * k];
      for (int i = 0; i < samples; i++) {
        seed[i * k + 1] = 1f;
      }
      double tBatch = Timing.median(1, 5, () -> saliency.gradient(batch, samples, seed));
      SmoothGrad smooth = new SmoothGrad(saliency, Scoring.LOGITS);
      SmoothGrad.Options o = SmoothGrad.Options.defaults(
          new Normalization(new float[] {0.5f, 0.5f, 0.5f}, new float[] {0.5f, 0.5f, 0.5f})).withSamples(samples);
      double tSmooth = Timing.median(1, 5, () -> smooth.explain(image, 1, new int[][] {{1}}, o));
      out.printf("%s (max batch %d, threads %s)%n", model.getFileName(), options.maxBatch(),
          options.threads() == 0 ? "auto" : options.threads());
      out.printf("  saliency graph, one call on a batch of %d: %8.3f s%n", samples, tBatch);
      out.printf("  SmoothGrad n=%d on one image:            %8.3f s%n", samples, tSmooth);
      out.printf("  ratio: %.3fx (target <= 1.1x)%n", tSmooth / tBatch);
    }
  }

  /** Arguments: MODEL.onnx [SAMPLES] [THREADS]. */
  public static void main(String[] args) {
    Path model = Path.of(args.length > 0 ? args[0] : "../shared/models/mobilenetv2-1.0-224-qdq.onnx");
    int samples = args.length > 1 ? Integer.parseInt(args[1]) : 50;
    RuntimeOptions options = RuntimeOptions.DEFAULT;
    if (args.length > 2) {
      options = options.withThreads(Integer.parseInt(args[2]));
    }
    run(model, samples, options, System.out);
  }
}
