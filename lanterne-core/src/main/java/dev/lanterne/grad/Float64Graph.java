package dev.lanterne.grad;

import com.google.protobuf.ByteString;
import dev.lanterne.onnx.Attributes;
import dev.lanterne.onnx.TensorProtos;
import dev.lanterne.onnx.proto.Onnx;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * A float64 copy of a float32 model, for finite differences free of float32 rounding: float
 * initializers and constants become doubles, Casts to float cast to double, and the graph's float
 * inputs and outputs are declared double. ONNX Runtime implements only some operators in double
 * (its CPU Conv is float-only in many builds), so callers must be ready for the copy not to load.
 */
public final class Float64Graph {
  private static final int FLOAT = Onnx.TensorProto.DataType.FLOAT_VALUE;
  private static final int DOUBLE = Onnx.TensorProto.DataType.DOUBLE_VALUE;

  private Float64Graph() {}

  /** The model with every float32 tensor made float64. */
  public static Onnx.ModelProto of(Onnx.ModelProto model) {
    Onnx.GraphProto g = model.getGraph();
    Onnx.GraphProto.Builder b = g.toBuilder().clearInitializer().clearNode().clearValueInfo().clearInput().clearOutput();
    for (Onnx.TensorProto t : g.getInitializerList()) {
      b.addInitializer(toDouble(t));
    }
    int fresh = 0;
    java.util.Map<String, Integer> ranks = new java.util.HashMap<>();
    g.getInputList().forEach(v -> ranks.put(v.getName(), v.getType().getTensorType().getShape().getDimCount()));
    g.getInitializerList().forEach(t -> ranks.put(t.getName(), t.getDimsCount()));
    int opset = dev.lanterne.onnx.OnnxModels.opset(model);
    for (Onnx.NodeProto n : g.getNodeList()) {
      String global = n.getOpType().equals("GlobalAveragePool") ? "ReduceMean"
          : n.getOpType().equals("GlobalMaxPool") ? "ReduceMax" : null;
      if (global != null && ranks.containsKey(n.getInput(0)) && (!n.hasDomain() || n.getDomain().isEmpty())) {
        globalPool(b, n, global, ranks.get(n.getInput(0)), opset, "lanterne/f64/" + fresh++ + "/");
        continue;
      }
      if (n.getOpType().equals("HardSigmoid") && (!n.hasDomain() || n.getDomain().isEmpty())) {
        hardSigmoid(b, n, "lanterne/f64/" + fresh++ + "/");
        continue;
      }
      if (n.getOpType().equals("Clip") && (!n.hasDomain() || n.getDomain().isEmpty())) {
        clip(b, n, "lanterne/f64/" + fresh++ + "/");
        continue;
      }
      Onnx.NodeProto.Builder nb = n.toBuilder().clearAttribute();
      for (Onnx.AttributeProto a : n.getAttributeList()) {
        nb.addAttribute(attribute(n, a));
      }
      b.addNode(nb);
    }
    g.getInputList().forEach(v -> b.addInput(toDouble(v)));
    g.getOutputList().forEach(v -> b.addOutput(toDouble(v)));
    return model.toBuilder().setGraph(b).build();
  }

  private static Onnx.AttributeProto attribute(Onnx.NodeProto n, Onnx.AttributeProto a) {
    String op = n.getOpType();
    if (op.equals("Cast") && a.getName().equals("to") && a.getI() == FLOAT) {
      return Attributes.ofInt("to", DOUBLE);
    }
    if (op.equals("Constant") && a.getName().equals("value_float")) {
      return Attributes.ofTensor("value", doubles("", new long[0], new double[] {a.getF()}));
    }
    if (op.equals("Constant") && a.getName().equals("value_floats")) {
      double[] v = new double[a.getFloatsCount()];
      for (int i = 0; i < v.length; i++) {
        v[i] = a.getFloats(i);
      }
      return Attributes.ofTensor("value", doubles("", new long[] {v.length}, v));
    }
    if (a.hasT() && a.getT().getDataType() == FLOAT) {
      return a.toBuilder().setT(toDouble(a.getT())).build();
    }
    return a;
  }

  /**
   * A global pool as a reduction over the spatial axes: ONNX Runtime's GlobalAveragePool is float32-only,
   * and the mean divides the signal of a finite difference by the map's size, which float32 rounding
   * then drowns (errors of 8e-3 on EfficientNet's squeeze-excitation pools).
   */
  private static void globalPool(Onnx.GraphProto.Builder b, Onnx.NodeProto n, String reduce, int rank, int opset,
      String p) {
    long[] axes = new long[rank - 2];
    for (int i = 0; i < axes.length; i++) {
      axes[i] = i + 2;
    }
    Onnx.NodeProto.Builder r = Onnx.NodeProto.newBuilder().setOpType(reduce).addInput(n.getInput(0))
        .addOutput(n.getOutput(0)).addAttribute(Attributes.ofInt("keepdims", 1));
    if (opset >= 18) {
      b.addInitializer(dev.lanterne.onnx.TensorProtos.ofLongs(p + "axes", new long[] {axes.length}, axes));
      r.addInput(p + "axes");
    } else {
      r.addAttribute(Attributes.ofInts("axes", axes));
    }
    b.addNode(r);
  }

  /**
   * HardSigmoid as max(0, min(1, alpha x + beta)): ONNX Runtime has no float64 kernel for it, and its
   * kinks make float32 finite differences too noisy for a 1e-3 check.
   */
  private static void hardSigmoid(Onnx.GraphProto.Builder b, Onnx.NodeProto n, String p) {
    double alpha = Attributes.getFloat(n, "alpha", 0.2f);
    double beta = Attributes.getFloat(n, "beta", 0.5f);
    b.addInitializer(doubles(p + "alpha", new long[0], new double[] {alpha}));
    b.addInitializer(doubles(p + "beta", new long[0], new double[] {beta}));
    b.addInitializer(doubles(p + "zero", new long[0], new double[] {0}));
    b.addInitializer(doubles(p + "one", new long[0], new double[] {1}));
    b.addNode(Onnx.NodeProto.newBuilder().setOpType("Mul").addInput(n.getInput(0)).addInput(p + "alpha")
        .addOutput(p + "ax"));
    b.addNode(Onnx.NodeProto.newBuilder().setOpType("Add").addInput(p + "ax").addInput(p + "beta")
        .addOutput(p + "z"));
    b.addNode(Onnx.NodeProto.newBuilder().setOpType("Min").addInput(p + "z").addInput(p + "one")
        .addOutput(p + "top"));
    b.addNode(Onnx.NodeProto.newBuilder().setOpType("Max").addInput(p + "top").addInput(p + "zero")
        .addOutput(n.getOutput(0)));
  }

  /**
   * Clip as Max(Min(x, max), min), bounds from the inputs (opset 11 on) or the attributes: ONNX Runtime's
   * float64 Clip is missing in some builds, and ReLU6's kinks need float64 differences.
   */
  private static void clip(Onnx.GraphProto.Builder b, Onnx.NodeProto n, String p) {
    String x = n.getInput(0);
    String min = n.getInputCount() > 1 && !n.getInput(1).isEmpty() ? n.getInput(1) : null;
    String max = n.getInputCount() > 2 && !n.getInput(2).isEmpty() ? n.getInput(2) : null;
    if (min == null && Attributes.has(n, "min")) {
      min = p + "min";
      b.addInitializer(doubles(min, new long[0], new double[] {Attributes.getFloat(n, "min", 0)}));
    }
    if (max == null && Attributes.has(n, "max")) {
      max = p + "max";
      b.addInitializer(doubles(max, new long[0], new double[] {Attributes.getFloat(n, "max", 0)}));
    }
    String y = x;
    if (max != null) {
      String t = min == null ? n.getOutput(0) : p + "top";
      b.addNode(Onnx.NodeProto.newBuilder().setOpType("Min").addInput(y).addInput(max).addOutput(t));
      y = t;
    }
    if (min != null || y.equals(x)) {
      b.addNode(Onnx.NodeProto.newBuilder().setOpType(min == null ? "Identity" : "Max").addInput(y)
          .addAllInput(min == null ? List.of() : List.of(min)).addOutput(n.getOutput(0)));
    }
  }

  private static Onnx.ValueInfoProto toDouble(Onnx.ValueInfoProto v) {
    if (!v.getType().hasTensorType() || v.getType().getTensorType().getElemType() != FLOAT) {
      return v;
    }
    return v.toBuilder().setType(v.getType().toBuilder().setTensorType(
        v.getType().getTensorType().toBuilder().setElemType(DOUBLE))).build();
  }

  private static Onnx.TensorProto toDouble(Onnx.TensorProto t) {
    if (t.getDataType() != FLOAT) {
      return t;
    }
    float[] f = TensorProtos.toFloats(t);
    double[] d = new double[f.length];
    for (int i = 0; i < f.length; i++) {
      d[i] = f[i];
    }
    return doubles(t.getName(), TensorProtos.dims(t), d);
  }

  static Onnx.TensorProto doubles(String name, long[] dims, double[] values) {
    ByteBuffer buf = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    buf.asDoubleBuffer().put(values);
    Onnx.TensorProto.Builder t = Onnx.TensorProto.newBuilder().setName(name).setDataType(DOUBLE)
        .setRawData(ByteString.copyFrom(buf.array()));
    for (long d : dims) {
      t.addDims(d);
    }
    return t.build();
  }
}
