package dev.lanterne.metrics;

import com.google.protobuf.ByteString;
import dev.lanterne.onnx.TensorProtos;
import dev.lanterne.onnx.proto.Onnx;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Finds the learned layers of an ONNX model (Conv, ConvTranspose, Gemm, MatMul with weights in
 * initializers) and replaces their weights and biases with seeded Gaussian noise of the same shape,
 * mean zero and the original's root mean square (its standard deviation for zero-mean weights; a
 * constant tensor such as a weight of ones keeps its magnitude instead of collapsing to zero). Quantized weights (an int8/uint8 initializer
 * behind DequantizeLinear) get integer noise around the original integers' mean with their standard
 * deviation, so the scale and zero point keep their meaning. Normalisation parameters stay.
 */
public final class WeightRandomizer {
  private static final Set<String> LAYER_OPS = Set.of("Conv", "ConvTranspose", "Gemm", "MatMul");

  private WeightRandomizer() {}

  /**
   * A learned layer.
   *
   * @param name the node's name, or its first output when unnamed
   * @param opType its operator
   * @param parameters the initializers that hold its weights and bias
   */
  public record Layer(String name, String opType, List<String> parameters) {}

  /** The learned layers from the output back (graph nodes are topologically sorted, so reversed). */
  public static List<Layer> layersFromOutput(Onnx.ModelProto model) {
    Onnx.GraphProto g = model.getGraph();
    Map<String, Onnx.TensorProto> inits = initializers(g);
    Map<String, Onnx.NodeProto> dequantizedBy = new HashMap<>();
    for (Onnx.NodeProto n : g.getNodeList()) {
      if (n.getOpType().equals("DequantizeLinear") && n.getInputCount() > 0 && inits.containsKey(n.getInput(0))) {
        dequantizedBy.put(n.getOutput(0), n);
      }
    }
    List<Layer> layers = new ArrayList<>();
    Set<String> taken = new HashSet<>();
    for (Onnx.NodeProto n : g.getNodeList()) {
      if (!LAYER_OPS.contains(n.getOpType())) {
        continue;
      }
      List<String> params = new ArrayList<>();
      for (int i = 0; i < n.getInputCount(); i++) {
        if (n.getOpType().startsWith("Conv") && i == 0) {
          continue;
        }
        String in = n.getInput(i);
        String source = inits.containsKey(in) ? in
            : dequantizedBy.containsKey(in) ? dequantizedBy.get(in).getInput(0) : null;
        if (source != null && randomizable(inits.get(source)) && taken.add(source)) {
          params.add(source);
        }
      }
      if (!params.isEmpty()) {
        String name = n.getName().isEmpty() ? n.getOutput(0) : n.getName();
        layers.add(new Layer(name, n.getOpType(), List.copyOf(params)));
      }
    }
    java.util.Collections.reverse(layers);
    return layers;
  }

  /** The model with the first k layers of {@link #layersFromOutput} randomised (cumulative). */
  public static Onnx.ModelProto randomizeTop(Onnx.ModelProto model, int k, long seed) {
    List<Layer> layers = layersFromOutput(model);
    if (k < 0 || k > layers.size()) {
      throw new IllegalArgumentException("the model has " + layers.size() + " learned layers, cannot randomise " + k);
    }
    Onnx.GraphProto g = model.getGraph();
    Map<String, Onnx.TensorProto> inits = initializers(g);
    Map<String, Onnx.TensorProto> replaced = new HashMap<>();
    for (int l = 0; l < k; l++) {
      List<String> params = layers.get(l).parameters();
      for (int p = 0; p < params.size(); p++) {
        SplittableRandom rnd = new SplittableRandom(seed * 1_000_003L + 64L * l + p);
        replaced.put(params.get(p), randomLike(inits.get(params.get(p)), rnd));
      }
    }
    Onnx.GraphProto.Builder gb = g.toBuilder();
    for (int i = 0; i < gb.getInitializerCount(); i++) {
      Onnx.TensorProto r = replaced.get(gb.getInitializer(i).getName());
      if (r != null) {
        gb.setInitializer(i, r);
      }
    }
    return model.toBuilder().setGraph(gb).build();
  }

  private static Map<String, Onnx.TensorProto> initializers(Onnx.GraphProto g) {
    Map<String, Onnx.TensorProto> m = new LinkedHashMap<>();
    for (Onnx.TensorProto t : g.getInitializerList()) {
      m.put(t.getName(), t);
    }
    return m;
  }

  private static boolean randomizable(Onnx.TensorProto t) {
    int type = t.getDataType();
    return t.getDataLocation() != Onnx.TensorProto.DataLocation.EXTERNAL
        && (type == Onnx.TensorProto.DataType.FLOAT_VALUE || type == Onnx.TensorProto.DataType.INT8_VALUE
            || type == Onnx.TensorProto.DataType.UINT8_VALUE);
  }

  private static Onnx.TensorProto randomLike(Onnx.TensorProto t, SplittableRandom rnd) {
    float[] v = TensorProtos.toFloats(t);
    double mean = 0;
    for (float x : v) {
      mean += x;
    }
    mean /= Math.max(1, v.length);
    double var = 0;
    for (float x : v) {
      var += (x - mean) * (x - mean);
    }
    double std = Math.sqrt(var / Math.max(1, v.length));
    if (t.getDataType() == Onnx.TensorProto.DataType.FLOAT_VALUE) {
      double rms = Math.sqrt(std * std + mean * mean);
      float[] out = new float[v.length];
      for (int i = 0; i < out.length; i++) {
        out[i] = (float) (rms * gaussian(rnd));
      }
      return TensorProtos.ofFloats(t.getName(), TensorProtos.dims(t), out);
    }
    boolean signed = t.getDataType() == Onnx.TensorProto.DataType.INT8_VALUE;
    int lo = signed ? -128 : 0;
    int hi = signed ? 127 : 255;
    byte[] out = new byte[v.length];
    for (int i = 0; i < out.length; i++) {
      long q = Math.round(mean + std * gaussian(rnd));
      out[i] = (byte) Math.max(lo, Math.min(hi, q));
    }
    Onnx.TensorProto.Builder b = Onnx.TensorProto.newBuilder().setName(t.getName()).setDataType(t.getDataType())
        .addAllDims(t.getDimsList()).setRawData(ByteString.copyFrom(out));
    return b.build();
  }

  /** A standard normal draw (Box-Muller; SplittableRandom has no nextGaussian). */
  private static double gaussian(SplittableRandom rnd) {
    double u = 1 - rnd.nextDouble();
    double w = rnd.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * w);
  }
}
