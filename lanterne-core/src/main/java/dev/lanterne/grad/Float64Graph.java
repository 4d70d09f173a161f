package dev.lanterne.grad;

import com.google.protobuf.ByteString;
import dev.lanterne.onnx.Attributes;
import dev.lanterne.onnx.TensorProtos;
import dev.lanterne.onnx.proto.Onnx;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

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
    for (Onnx.NodeProto n : g.getNodeList()) {
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
