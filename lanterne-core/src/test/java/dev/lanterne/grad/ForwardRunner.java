package dev.lanterne.grad;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtSession;
import dev.lanterne.onnx.proto.Onnx;
import dev.lanterne.runtime.OrtSessions;
import dev.lanterne.runtime.RuntimeOptions;
import java.nio.FloatBuffer;
import java.util.Map;

/** Test helper: the plain model in ONNX Runtime, and central finite differences of sum(seed * y). */
final class ForwardRunner implements AutoCloseable {
  private final OrtSession session;
  private final String input;
  private final long[] chw;

  ForwardRunner(Onnx.ModelProto model, long[] chw) {
    this.session = OrtSessions.create(model.toByteArray(), RuntimeOptions.DEFAULT, "test model");
    this.input = model.getGraph().getInput(0).getName();
    this.chw = chw;
  }

  float[] run(float[] x, int n) throws Exception {
    try (OnnxTensor t = OnnxTensor.createTensor(OrtSessions.environment(), FloatBuffer.wrap(x),
        new long[] {n, chw[0], chw[1], chw[2]}); OrtSession.Result r = session.run(Map.of(input, t))) {
      FloatBuffer fb = ((OnnxTensor) r.get(0)).getFloatBuffer();
      float[] out = new float[fb.remaining()];
      fb.get(out);
      return out;
    }
  }

  /**
   * Gradient of sum_k seed[i,k] y[i,k] with respect to x[i], every coordinate by central differences,
   * all perturbed images in one batch (batch-dynamic models) or one at a time.
   */
  double[] coordinateGradient(float[] x, int n, float[] seed, double eps, boolean batched) throws Exception {
    int per = (int) (chw[0] * chw[1] * chw[2]);
    double[] grad = new double[n * per];
    for (int i = 0; i < n; i++) {
      float[] batch = new float[2 * per * per];
      for (int c = 0; c < per; c++) {
        System.arraycopy(x, i * per, batch, (2 * c) * per, per);
        System.arraycopy(x, i * per, batch, (2 * c + 1) * per, per);
        batch[(2 * c) * per + c] += (float) eps;
        batch[(2 * c + 1) * per + c] -= (float) eps;
      }
      float[] y = batched ? run(batch, 2 * per) : runOneByOne(batch, 2 * per, per);
      int k = y.length / (2 * per);
      for (int c = 0; c < per; c++) {
        double plus = 0;
        double minus = 0;
        for (int j = 0; j < k; j++) {
          plus += (double) seed[i * k + j] * y[(2 * c) * k + j];
          minus += (double) seed[i * k + j] * y[(2 * c + 1) * k + j];
        }
        // the perturbation actually applied, after float rounding
        double h = (double) (x[i * per + c] + (float) eps) - (double) (x[i * per + c] - (float) eps);
        grad[i * per + c] = (plus - minus) / h;
      }
    }
    return grad;
  }

  private float[] runOneByOne(float[] batch, int n, int per) throws Exception {
    float[] first = run(java.util.Arrays.copyOfRange(batch, 0, per), 1);
    float[] out = new float[n * first.length];
    for (int b = 0; b < n; b++) {
      float[] y = run(java.util.Arrays.copyOfRange(batch, b * per, (b + 1) * per), 1);
      System.arraycopy(y, 0, out, b * y.length, y.length);
    }
    return out;
  }

  @Override
  public void close() {
    OrtSessions.closeQuietly(session);
  }
}
