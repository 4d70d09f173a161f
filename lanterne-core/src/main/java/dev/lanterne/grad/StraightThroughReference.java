package dev.lanterne.grad;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.lanterne.LanterneException;
import dev.lanterne.onnx.Attributes;
import dev.lanterne.onnx.Graphs;
import dev.lanterne.onnx.OnnxModels;
import dev.lanterne.onnx.QdqFolding;
import dev.lanterne.onnx.TensorProtos;
import dev.lanterne.onnx.proto.Onnx;
import dev.lanterne.runtime.OrtSessions;
import dev.lanterne.runtime.RuntimeOptions;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The float function whose finite differences check the straight-through gradient of a quantized
 * (QDQ) model at one image x0. Each activation QuantizeLinear -> DequantizeLinear pair becomes
 * {@code Clip(a, lo, hi) + r}: the clip to the range where the quantized value is not saturated
 * (half a step inside the end codes, where the straight-through gradient stops) plus the rounding
 * residual {@code r = DQ(Q(a)) - Clip(a, lo, hi)} frozen at x0. At x0 the reference computes the
 * quantized model's activations (with float kernels); around x0 it is differentiable, and its
 * derivative is exactly what the derived graph computes: the quantizers pass the gradient where they
 * are not saturated, and every other operator is differentiated at the quantized activations. Weights
 * are the dequantized float weights.
 */
public final class StraightThroughReference {
  private StraightThroughReference() {}

  /** The reference model for image x0 [1,C,H,W] (batch 1). */
  public static Onnx.ModelProto at(Onnx.ModelProto quantized, float[] x0, RuntimeOptions runtime) {
    Onnx.ModelProto folded = QdqFolding.apply(quantized);
    Onnx.GraphProto g = folded.getGraph();
    Map<String, Onnx.TensorProto> constants = Graphs.constants(g);
    int opset = OnnxModels.opset(folded);
    // pass 1: the deployed model (int8 kernels, as `classify` runs it) with every quantized activation exposed
    Map<String, Onnx.TensorProto> deployed = quantizedActivations(quantized, x0, runtime);
    // pass 2: each residual computed from the deployed activations and exposed
    List<String> residuals = new ArrayList<>();
    Onnx.GraphProto live = rewrite(g, constants, opset, residuals, null, deployed);
    Onnx.GraphProto.Builder exposed = live.toBuilder();
    for (String r : residuals) {
      exposed.addOutput(Onnx.ValueInfoProto.newBuilder().setName(r));
    }
    Map<String, float[]> values = run(folded.toBuilder().setGraph(Graphs.pruneUnused(exposed.build())).build(),
        g.getInput(0), x0, residuals, runtime);
    // pass 3: the residuals frozen as constants
    List<String> names = new ArrayList<>();
    Onnx.GraphProto frozen = rewrite(g, constants, opset, names, values, null);
    return folded.toBuilder().setGraph(Graphs.pruneUnused(frozen)).build();
  }

  /** The quantized activations (QuantizeLinear outputs) of the deployed model at x0, as constants. */
  private static Map<String, Onnx.TensorProto> quantizedActivations(Onnx.ModelProto model, float[] x0,
      RuntimeOptions runtime) {
    Onnx.GraphProto g = model.getGraph();
    Map<String, Onnx.TensorProto> constants = Graphs.constants(g);
    List<String> names = new ArrayList<>();
    Onnx.GraphProto.Builder exposed = g.toBuilder();
    for (Onnx.NodeProto n : g.getNodeList()) {
      if (n.getOpType().equals("QuantizeLinear") && QdqFolding.isQuantizeOrDequantize(n)
          && !constants.containsKey(n.getInput(0))) {
        names.add(n.getOutput(0));
        exposed.addOutput(Onnx.ValueInfoProto.newBuilder().setName(n.getOutput(0)));
      }
    }
    Onnx.ValueInfoProto input = g.getInput(0);
    List<Onnx.TensorShapeProto.Dimension> dims = input.getType().getTensorType().getShape().getDimList();
    long[] shape = {1, dims.get(1).getDimValue(), dims.get(2).getDimValue(), dims.get(3).getDimValue()};
    try (OrtSession session = OrtSessions.create(model.toBuilder().setGraph(exposed).build().toByteArray(), runtime,
        "the quantized model");
        OnnxTensor t = OnnxTensor.createTensor(OrtSessions.environment(), FloatBuffer.wrap(x0), shape);
        OrtSession.Result r = session.run(Map.of(input.getName(), t), new java.util.LinkedHashSet<>(names))) {
      Map<String, Onnx.TensorProto> out = new HashMap<>();
      for (String name : names) {
        OnnxTensor v = (OnnxTensor) r.get(name).orElseThrow();
        java.nio.ByteBuffer bb = v.getByteBuffer();
        byte[] bytes = new byte[bb.remaining()];
        bb.get(bytes);
        int type = v.getInfo().type == ai.onnxruntime.OnnxJavaType.INT8 ? Onnx.TensorProto.DataType.INT8_VALUE
            : Onnx.TensorProto.DataType.UINT8_VALUE;
        out.put(name, Onnx.TensorProto.newBuilder().setName(name + "/deployed").setDataType(type)
            .addAllDims(java.util.Arrays.stream(v.getInfo().getShape()).boxed().toList())
            .setRawData(com.google.protobuf.ByteString.copyFrom(bytes)).build());
      }
      return out;
    } catch (OrtException e) {
      throw new LanterneException("cannot run the quantized model (" + OrtSessions.firstLine(e.getMessage()) + ")", e);
    }
  }

  /**
   * Replaces each activation QuantizeLinear -> DequantizeLinear pair; the residual of pair i is named
   * in residuals and either computed (values null) or read from values.
   */
  private static Onnx.GraphProto rewrite(Onnx.GraphProto g, Map<String, Onnx.TensorProto> constants, int opset,
      List<String> residuals, Map<String, float[]> values, Map<String, Onnx.TensorProto> deployed) {
    Map<String, Onnx.NodeProto> quantizers = new HashMap<>();
    for (Onnx.NodeProto n : g.getNodeList()) {
      if (n.getOpType().equals("QuantizeLinear") && QdqFolding.isQuantizeOrDequantize(n)) {
        quantizers.put(n.getOutput(0), n);
      }
    }
    Onnx.GraphProto.Builder b = g.toBuilder().clearNode();
    int index = 0;
    for (Onnx.NodeProto n : g.getNodeList()) {
      Onnx.NodeProto q = n.getOpType().equals("DequantizeLinear") ? quantizers.get(n.getInput(0)) : null;
      if (q == null) {
        b.addNode(n);
        continue;
      }
      String a = q.getInput(0);
      String base = "lanterne/ste" + index++;
      String clipped = clip(b, q, a, base, constants, opset);
      String residual = base + "/residual";
      residuals.add(residual);
      if (values == null) {
        Onnx.TensorProto q8 = deployed.get(n.getInput(0));
        if (q8 == null) {
          throw new LanterneException("no deployed value for " + n.getInput(0));
        }
        if (!b.getInitializerList().stream().anyMatch(t -> t.getName().equals(q8.getName()))) {
          b.addInitializer(q8);
        }
        b.addNode(n.toBuilder().setInput(0, q8.getName()).setOutput(0, n.getOutput(0) + "/live"));
        b.addNode(node("Sub", List.of(n.getOutput(0) + "/live", clipped), residual));
      } else {
        float[] v = values.get(residual);
        b.addInitializer(TensorProtos.ofFloats(residual, values.containsKey(residual + "#shape")
            ? toLongs(values.get(residual + "#shape")) : new long[] {v.length}, v));
      }
      b.addNode(node("Add", List.of(clipped, residual), n.getOutput(0)));
    }
    return b.build();
  }

  /** Clip(a) to the unsaturated range of quantizer q, or a itself when its scale is not a constant scalar. */
  private static String clip(Onnx.GraphProto.Builder b, Onnx.NodeProto q, String a, String base,
      Map<String, Onnx.TensorProto> constants, int opset) {
    Onnx.TensorProto scale = constants.get(q.getInput(1));
    Onnx.TensorProto zero = q.getInputCount() > 2 && !q.getInput(2).isEmpty() ? constants.get(q.getInput(2)) : null;
    boolean zeroGiven = q.getInputCount() > 2 && !q.getInput(2).isEmpty();
    if (scale == null || TensorProtos.count(scale) != 1 || zeroGiven && (zero == null || TensorProtos.count(zero) != 1)) {
      return a;
    }
    float s = TensorProtos.toFloats(scale)[0];
    long zp = zero == null ? 0 : TensorProtos.toLongs(zero)[0];
    int type = zero == null ? Onnx.TensorProto.DataType.UINT8_VALUE : zero.getDataType();
    long qmin = type == Onnx.TensorProto.DataType.INT8_VALUE ? -128 : 0;
    long qmax = type == Onnx.TensorProto.DataType.INT8_VALUE ? 127 : 255;
    float lo = (qmin - zp + 0.5f) * s;
    float hi = (qmax - zp - 0.5f) * s;
    String out = base + "/clip";
    if (opset >= 11) {
      b.addInitializer(TensorProtos.scalar(base + "/lo", lo));
      b.addInitializer(TensorProtos.scalar(base + "/hi", hi));
      b.addNode(node("Clip", List.of(a, base + "/lo", base + "/hi"), out));
    } else {
      b.addNode(node("Clip", List.of(a), out).toBuilder().addAttribute(Attributes.ofFloat("min", lo))
          .addAttribute(Attributes.ofFloat("max", hi)).build());
    }
    return out;
  }

  private static Onnx.NodeProto node(String type, List<String> inputs, String output) {
    return Onnx.NodeProto.newBuilder().setOpType(type).setName(output).addAllInput(inputs).addOutput(output).build();
  }

  private static long[] toLongs(float[] v) {
    long[] out = new long[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = (long) v[i];
    }
    return out;
  }

  /** Runs the live model on x0 with float kernels and returns each residual (and its shape). */
  private static Map<String, float[]> run(Onnx.ModelProto live, Onnx.ValueInfoProto input, float[] x0,
      List<String> residuals, RuntimeOptions runtime) {
    List<Onnx.TensorShapeProto.Dimension> dims = input.getType().getTensorType().getShape().getDimList();
    long[] shape = {1, dims.get(1).getDimValue(), dims.get(2).getDimValue(), dims.get(3).getDimValue()};
    try (OrtSession session = OrtSessions.create(live.toByteArray(), runtime, "the straight-through reference",
        OrtSession.SessionOptions.OptLevel.BASIC_OPT);
        OnnxTensor t = OnnxTensor.createTensor(OrtSessions.environment(), FloatBuffer.wrap(x0), shape);
        OrtSession.Result r = session.run(Map.of(input.getName(), t), new java.util.LinkedHashSet<>(residuals))) {
      Map<String, float[]> out = new HashMap<>();
      for (String name : residuals) {
        OnnxTensor v = (OnnxTensor) r.get(name).orElseThrow();
        FloatBuffer fb = v.getFloatBuffer();
        float[] data = new float[fb.remaining()];
        fb.get(data);
        out.put(name, data);
        long[] s = v.getInfo().getShape();
        float[] sf = new float[s.length];
        for (int i = 0; i < s.length; i++) {
          sf[i] = s[i];
        }
        out.put(name + "#shape", sf);
      }
      return out;
    } catch (OrtException e) {
      throw new LanterneException("cannot build the straight-through reference (" + OrtSessions.firstLine(e.getMessage())
          + ")", e);
    }
  }
}
