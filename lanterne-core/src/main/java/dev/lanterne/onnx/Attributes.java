package dev.lanterne.onnx;

import dev.lanterne.onnx.proto.Onnx;
import java.nio.charset.StandardCharsets;

/** Reading and making node attributes. */
public final class Attributes {
  private Attributes() {}

  public static Onnx.AttributeProto find(Onnx.NodeProto node, String name) {
    for (Onnx.AttributeProto a : node.getAttributeList()) {
      if (a.getName().equals(name)) {
        return a;
      }
    }
    return null;
  }

  public static boolean has(Onnx.NodeProto node, String name) {
    return find(node, name) != null;
  }

  public static long getInt(Onnx.NodeProto node, String name, long dflt) {
    Onnx.AttributeProto a = find(node, name);
    return a == null ? dflt : a.getI();
  }

  public static float getFloat(Onnx.NodeProto node, String name, float dflt) {
    Onnx.AttributeProto a = find(node, name);
    return a == null ? dflt : a.getF();
  }

  public static String getString(Onnx.NodeProto node, String name, String dflt) {
    Onnx.AttributeProto a = find(node, name);
    return a == null ? dflt : a.getS().toString(StandardCharsets.UTF_8);
  }

  /** An INTS attribute, or null when absent. */
  public static long[] getInts(Onnx.NodeProto node, String name) {
    Onnx.AttributeProto a = find(node, name);
    return a == null ? null : a.getIntsList().stream().mapToLong(Long::longValue).toArray();
  }

  public static Onnx.TensorProto getTensor(Onnx.NodeProto node, String name) {
    Onnx.AttributeProto a = find(node, name);
    return a == null ? null : a.getT();
  }

  public static Onnx.AttributeProto ofInt(String name, long v) {
    return Onnx.AttributeProto.newBuilder().setName(name).setType(Onnx.AttributeProto.AttributeType.INT).setI(v)
        .build();
  }

  public static Onnx.AttributeProto ofFloat(String name, float v) {
    return Onnx.AttributeProto.newBuilder().setName(name).setType(Onnx.AttributeProto.AttributeType.FLOAT).setF(v)
        .build();
  }

  public static Onnx.AttributeProto ofInts(String name, long... v) {
    Onnx.AttributeProto.Builder b = Onnx.AttributeProto.newBuilder().setName(name)
        .setType(Onnx.AttributeProto.AttributeType.INTS);
    for (long x : v) {
      b.addInts(x);
    }
    return b.build();
  }

  public static Onnx.AttributeProto ofString(String name, String v) {
    return Onnx.AttributeProto.newBuilder().setName(name).setType(Onnx.AttributeProto.AttributeType.STRING)
        .setS(com.google.protobuf.ByteString.copyFromUtf8(v)).build();
  }

  public static Onnx.AttributeProto ofTensor(String name, Onnx.TensorProto t) {
    return Onnx.AttributeProto.newBuilder().setName(name).setType(Onnx.AttributeProto.AttributeType.TENSOR).setT(t)
        .build();
  }
}
