package dev.lanterne.bench;

import dev.lanterne.grad.GradientCompiler;
import dev.lanterne.grad.GradientOptions;
import dev.lanterne.onnx.OnnxModels;
import dev.lanterne.onnx.proto.Onnx;
import dev.lanterne.runtime.Classifier;
import dev.lanterne.runtime.GradientModel;
import dev.lanterne.runtime.RuntimeOptions;
import dev.lanterne.grad.SaliencySession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Time of one saliency-graph call (forward + backward) against one forward pass of the plain model,
 * at batch 1 and 16, for the shared models. Prints a table; theory puts the ratio near 3.
 *
 * <p>Usage: GradientBenchmark [--shared DIR] [--repeats N] [--threads T] [model.onnx ...]
 */
public final class GradientBenchmark {
  private GradientBenchmark() {}

  public static void main(String[] args) {
    Path shared = Path.of("..", "shared");
    int repeats = 5;
    int threads = 0;
    List<Path> models = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--shared" -> shared = Path.of(args[++i]);
        case "--repeats" -> repeats = Integer.parseInt(args[++i]);
        case "--threads" -> threads = Integer.parseInt(args[++i]);
        default -> models.add(Path.of(args[i]));
      }
    }
    if (models.isEmpty()) {
      Path m = shared.resolve("models");
      for (String name : List.of("torchvision/resnet18.onnx", "torchvision/squeezenet1_1.onnx",
          "torchvision/mobilenet_v3_small.onnx", "mobilenetv2-1.0-224-qdq.onnx", "mobilenetv1-0.25-128.onnx")) {
        if (Files.isRegularFile(m.resolve(name))) {
          models.add(m.resolve(name));
        }
      }
    }
    RuntimeOptions options = RuntimeOptions.DEFAULT.withThreads(threads).withMaxBatch(16);
    System.out.printf("%-34s %5s %12s %12s %7s%n", "model", "batch", "forward ms", "saliency ms", "ratio");
    for (Path model : models) {
      run(model, options, repeats);
    }
  }

  private static void run(Path modelFile, RuntimeOptions options, int repeats) {
    Onnx.ModelProto model = OnnxModels.load(modelFile);
    Onnx.ModelProto saliency = GradientCompiler.compileSaliency(model, GradientOptions.DEFAULT);
    try (Classifier plain = Classifier.open(model.toByteArray(), modelFile.getFileName().toString(), options);
        GradientModel grad = new SaliencySession(saliency, options)) {
      int[] chw = plain.inputShape();
      int per = chw[0] * chw[1] * chw[2];
      int k = plain.numClasses();
      for (int batch : new int[] {1, 16}) {
        float[] x = new float[batch * per];
        SplittableRandom rnd = new SplittableRandom(batch);
        for (int i = 0; i < x.length; i++) {
          x[i] = (float) rnd.nextDouble(-1, 1);
        }
        float[] seed = new float[batch * k];
        for (int i = 0; i < batch; i++) {
          seed[i * k + i] = 1f;
        }
        // alternating order: ONNX Runtime's spinning idle threads slow whichever session runs next
        double[][] t = Timing.alternating(1, repeats, () -> plain.run(x, batch), () -> grad.gradient(x, batch, seed));
        double fwd = t[0][0] * 1e3;
        double bwd = t[1][0] * 1e3;
        System.out.printf("%-34s %5d %12.1f %12.1f %7.2f%n", modelFile.getFileName(), batch, fwd, bwd, bwd / fwd);
      }
    }
  }
}
