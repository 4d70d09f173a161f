package dev.lanterne.onnx;

import dev.lanterne.onnx.proto.Onnx;
import java.nio.charset.StandardCharsets;

/** Reading and making node attributes. */
public final class Attributes {
  private Attributes() {}

  /** The node's attribute with this name, or null when absent. */
  public static Onnx.AttributeProto find(Onnx.NodeProto node, String name) {
    for (Onnx.AttributeProto a : node.getAttributeList()) {
      if (a.getName().equals(name)) {
        return a;
      }
    }
    return null;
  }

  /** Whether the node has an attribute with this name. */
  public static boolean has(Onnx.NodeProto node, String name) {
    return find(node, name) != null;
  }

  /** An INT attribute, or {@code dflt} when absent. */
  public static long getInt(Onnx.NodeProto node, String name, long dflt) {
    Onnx.AttributeProto a = find(node, name);
    return a == null ? dflt : a.getI();
  }

  /** A FLOAT attribute, or {@code dflt} when absent. */
  public static float getFloat(Onnx.NodeProto node, String name, float dflt) {
    Onnx.AttributeProto a = find(node, name);
    return a == null ? dflt : a.getF();
  }

  /** A STRING attribute decoded as UTF-8, or {@code dflt} when absent. */
  public static String getString(Onnx.NodeProto node, String name, String dflt) {
    Onnx.AttributeProto a = find(node, name);
    return a == null ? dflt : a.getS().toString(StandardCharsets.UTF_8);
  }

  /** An INTS attribute, or null when absent. */
  public static long[] getInts(Onnx.NodeProto node, String name) {
    Onnx.AttributeProto a = find(node, name);
    return a == null ? null : a.getIntsList().stream().mapToLong(Long::longValue).toArray();
  }

  /** A TENSOR attribute, or null when absent. */
  public static Onnx.TensorProto getTensor(Onnx.NodeProto node, String name) {
    Onnx.AttributeProto a = find(node, name);
    return a == null ? null : a.getT();
  }

  /** A new INT attribute. */
  public static Onnx.AttributeProto ofInt(String name, long v) {
    return Onnx.AttributeProto.newBuilder().setName(name).setType(Onnx.AttributeProto.AttributeType.INT).setI(v)
        .build();
  }

  /** A new FLOAT attribute. */
  public static Onnx.AttributeProto ofFloat(String name, float v) {
    return Onnx.AttributeProto.newBuilder().setName(name).setType(Onnx.AttributeProto.AttributeType.FLOAT).setF(v)
        .build();
  }

  /** A new INTS attribute. */
  public static Onnx.AttributeProto ofInts(String name, long... v) {
    Onnx.AttributeProto.Builder b = Onnx.AttributeProto.newBuilder().setName(name)
        .setType(Onnx.AttributeProto.AttributeType.INTS);
    for (long x : v) {
      b.addInts(x);
    }
    return b.build();
  }

  /** A new STRING attribute, encoded as UTF-8. */
  public static Onnx.AttributeProto ofString(String name, String v) {
    return Onnx.AttributeProto.newBuilder().setName(name).setType(Onnx.AttributeProto.AttributeType.STRING)
        .setS(com.google.protobuf.ByteString.copyFromUtf8(v)).build();
  }

  /** A new TENSOR attribute. */
  public static Onnx.AttributeProto ofTensor(String name, Onnx.TensorProto t) {
    return Onnx.AttributeProto.newBuilder().setName(name).setType(Onnx.AttributeProto.AttributeType.TENSOR).setT(t)
        .build();
  }
}
