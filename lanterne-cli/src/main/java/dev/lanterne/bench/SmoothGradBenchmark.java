package dev.lanterne.bench;

import dev.lanterne.explain.Images;
import dev.lanterne.explain.LanternModel;
import dev.lanterne.explain.gradient.SmoothGrad;
import dev.lanterne.runtime.GradientModel;
import dev.lanterne.runtime.RuntimeOptions;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

/**
 * SmoothGrad with n noisy samples on one image against one call of the saliency graph on a batch of
 * n images, on the same session, both through a model object as a library user calls them: the
 * overhead of SmoothGrad's own work (noise, the clean image's forward, aggregation) over the batched
 * gradient it needs. Target (issue 11): at most 1.1x.
 */
public final class SmoothGradBenchmark {
  private SmoothGradBenchmark() {}

  public static void run(List<Path> models, int samples, RuntimeOptions options, PrintStream out) {
    for (Path model : models) {
      run(model, samples, options, out);
    }
  }

  public static void run(Path model, int samples, RuntimeOptions options, PrintStream out) {
    try (LanternModel lantern = LanternModel.builder(model).runtime(options).open()) {
      GradientModel saliency = lantern.saliencyGraph(dev.lanterne.grad.Variant.STANDARD);
      int[] chw = saliency.inputShape();
      int per = chw[0] * chw[1] * chw[2];
      int k = saliency.numClasses();
      SplittableRandom r = new SplittableRandom(1);
      float[] image = new float[per];
      for (int i = 0; i < per; i++) {
        image[i] = (float) r.nextDouble(-1, 1);
      }
      SmoothGrad.Options o = SmoothGrad.Options.defaults(lantern.normalization()).withSamples(samples);
      // the batch is noisy copies of the image at SmoothGrad's own noise level: the same values it sends
      // (ONNX Runtime's time depends a little on the values: 5% on mobilenet_v3_small against uniform noise)
      float[] batch = new float[samples * per];
      int plane = chw[1] * chw[2];
      for (int i = 0; i < batch.length; i++) {
        int p = i % per;
        batch[i] = image[p] + (float) (lantern.normalization().scale(p / plane, (float) o.noiseLevel())
            * r.nextGaussian());
      }
      float[] seed = new float[samples * k];
      for (int i = 0; i < samples; i++) {
        seed[i * k + 1] = 1f;
      }
      SmoothGrad smooth = new SmoothGrad(lantern, o);
      Images one = lantern.tensors(image, 1, List.of("random"));
      // alternating, so that both see the same load (single runs move by 20% on a busy machine)
      double[][] t = Timing.alternating(2, 7, () -> saliency.gradient(batch, samples, seed),
          () -> smooth.attribute(one, new int[][] {{1}}));
      double tBatch = t[0][0];
      double tSmooth = t[1][0];
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
