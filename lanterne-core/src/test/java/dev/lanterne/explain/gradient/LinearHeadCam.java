package dev.lanterne.explain.gradient;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.lanterne.onnx.OnnxModels;
import dev.lanterne.onnx.proto.Onnx;
import dev.lanterne.runtime.CamModel;
import dev.lanterne.runtime.OrtSessions;
import dev.lanterne.runtime.RuntimeOptions;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * A CAM model for networks whose head after the CAM layer A is global average pooling and a linear
 * layer: then d y_k / d A[c,i,j] = W[k,c] / (h w) exactly (quantize-dequantize pairs taken as
 * identity), so Grad-CAM needs only a forward pass that also returns A and W. Written for the tests
 * as a reference independent of the gradient compiler; runs one image per call (fixed batch 1).
 */
final class LinearHeadCam implements CamModel {
  private final OrtSession session;
  private final String input;
  private final String logits;
  private final String activation;
  private final String weight;
  private final int[] chw;
  private final int classes;
  private final int weightRowOffset;

  /**
   * @param activation name of A
   * @param weight name of the head's weight tensor [K', c, 1, 1] (a node output is fine)
   * @param weightRowOffset the weight row of class 0 (1 when the model drops a background class)
   */
  LinearHeadCam(Path model, String activation, String weight, int weightRowOffset, int classes) {
    Onnx.ModelProto proto = OnnxModels.load(model);
    Onnx.GraphProto.Builder g = proto.getGraph().toBuilder();
    for (String name : new String[] {activation, weight}) {
      g.addOutput(Onnx.ValueInfoProto.newBuilder().setName(name).setType(Onnx.TypeProto.newBuilder()
          .setTensorType(Onnx.TypeProto.Tensor.newBuilder().setElemType(Onnx.TensorProto.DataType.FLOAT_VALUE))));
    }
    this.session = OrtSessions.create(OnnxModels.toBytes(proto.toBuilder().setGraph(g).build()),
        RuntimeOptions.DEFAULT, model.getFileName().toString());
    this.input = proto.getGraph().getInput(0).getName();
    this.logits = proto.getGraph().getOutput(0).getName();
    this.activation = activation;
    this.weight = weight;
    var dims = proto.getGraph().getInput(0).getType().getTensorType().getShape().getDimList();
    this.chw = new int[] {(int) dims.get(1).getDimValue(), (int) dims.get(2).getDimValue(),
        (int) dims.get(3).getDimValue()};
    this.classes = classes;
    this.weightRowOffset = weightRowOffset;
  }

  @Override
  public int[] inputShape() {
    return chw.clone();
  }

  @Override
  public int numClasses() {
    return classes;
  }

  @Override
  public String layer() {
    return activation;
  }

  @Override
  public Result run(float[] x, int n, float[] seed) {
    int per = chw[0] * chw[1] * chw[2];
    float[] scores = new float[n * classes];
    float[] act = null;
    float[] grad = null;
    int[] shape = null;
    for (int i = 0; i < n; i++) {
      try (OnnxTensor t = OnnxTensor.createTensor(OrtSessions.environment(),
          FloatBuffer.wrap(x, i * per, per), new long[] {1, chw[0], chw[1], chw[2]});
          OrtSession.Result r = session.run(Map.of(input, t), Set.of(logits, activation, weight))) {
        float[] y = floats(r, logits);
        float[] a = floats(r, activation);
        float[] w = floats(r, weight);
        long[] as = ((OnnxTensor) r.get(activation).get()).getInfo().getShape();
        int c = (int) as[1];
        int plane = (int) (as[2] * as[3]);
        if (act == null) {
          shape = new int[] {n, c, (int) as[2], (int) as[3]};
          act = new float[n * c * plane];
          grad = new float[n * c * plane];
        }
        System.arraycopy(y, 0, scores, i * classes, classes);
        System.arraycopy(a, 0, act, i * c * plane, c * plane);
        for (int ch = 0; ch < c; ch++) {
          double d = 0;
          for (int k = 0; k < classes; k++) {
            d += seed[i * classes + k] * w[(k + weightRowOffset) * c + ch];
          }
          java.util.Arrays.fill(grad, (i * c + ch) * plane, (i * c + ch + 1) * plane, (float) (d / plane));
        }
      } catch (OrtException e) {
        throw new IllegalStateException(e);
      }
    }
    return new Result(scores, act, grad, shape);
  }

  private static float[] floats(OrtSession.Result r, String name) {
    FloatBuffer b = ((OnnxTensor) r.get(name).get()).getFloatBuffer();
    float[] out = new float[b.remaining()];
    b.get(out);
    return out;
  }

  @Override
  public void close() {
    OrtSessions.closeQuietly(session);
  }
}
