package dev.lanterne.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.lanterne.runtime.Classifier;
import dev.lanterne.runtime.OrtSessions;
import dev.lanterne.runtime.RuntimeOptions;
import java.io.PrintStream;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Lanterne's Classifier against raw ONNX Runtime on the same model bytes, batch size and threads: the
 * overhead of Lanterne's own code on a forward pass.
 */
public final class ForwardBenchmark {
  private ForwardBenchmark() {}

  public static void run(List<Path> models, int[] batches, RuntimeOptions options, PrintStream out) {
    out.printf("%-34s %6s %14s %14s %8s%n", "model", "batch", "raw ORT img/s", "Lanterne img/s", "ratio");
    for (Path model : models) {
      try (Classifier c = Classifier.open(model, options);
          OrtSession raw = OrtSessions.create(c.modelBytes(), options, model.toString())) {
        int[] chw = c.inputShape();
        for (int b : batches) {
          int n = c.batched() ? b : 1;
          float[] x = new float[n * chw[0] * chw[1] * chw[2]];
          SplittableRandom r = new SplittableRandom(1);
          for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextDouble(-1, 1);
          }
          long[] shape = {n, chw[0], chw[1], chw[2]};
          Runnable rawCall = () -> {
            try (OnnxTensor t = OnnxTensor.createTensor(OrtSessions.environment(), FloatBuffer.wrap(x), shape);
                OrtSession.Result res = raw.run(Map.of(c.inputName(), t))) {
              res.get(0).getValue();
            } catch (OrtException e) {
              throw new IllegalStateException(e);
            }
          };
          Runnable lanterneCall = () -> c.run(x, n);
          // ONNX Runtime's idle threads spin for a while after a run and slow whichever session runs
          // next on few cores, so the two alternate which goes first in every round.
          double[][] t = Timing.alternating(3, 15, rawCall, lanterneCall);
          double tRaw = t[0][0];
          double tLan = t[1][0];
          out.printf("%-34s %6d %14.1f %14.1f %8.3f%n", model.getFileName(), n, n / tRaw, n / tLan, tRaw / tLan);
        }
      } catch (OrtException e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
