package dev.lanterne.onnx;

import com.google.protobuf.ByteString;
import dev.lanterne.onnx.proto.Onnx;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Conversions between ONNX TensorProto and Java arrays. */
public final class TensorProtos {
  private TensorProtos() {}

  /** The tensor's shape. */
  public static long[] dims(Onnx.TensorProto t) {
    return t.getDimsList().stream().mapToLong(Long::longValue).toArray();
  }

  /**
   * Number of elements (the product of the dimensions; 1 for a scalar).
   *
   * @throws ArithmeticException when the count does not fit in an int
   */
  public static int count(Onnx.TensorProto t) {
    long n = 1;
    for (long d : t.getDimsList()) {
      n *= d;
    }
    return Math.toIntExact(n);
  }

  private static ByteBuffer raw(Onnx.TensorProto t) {
    return t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
  }

  /** Values as floats, from any numeric data type (integers converted). */
  public static float[] toFloats(Onnx.TensorProto t) {
    int n = count(t);
    float[] out = new float[n];
    int type = t.getDataType();
    boolean hasRaw = t.hasRawData();
    switch (type) {
      case Onnx.TensorProto.DataType.FLOAT_VALUE -> {
        if (hasRaw) {
          raw(t).asFloatBuffer().get(out);
        } else {
          for (int i = 0; i < n; i++) {
            out[i] = t.getFloatData(i);
          }
        }
      }
      case Onnx.TensorProto.DataType.DOUBLE_VALUE -> {
        for (int i = 0; i < n; i++) {
          out[i] = (float) (hasRaw ? raw(t).getDouble(8 * i) : t.getDoubleData(i));
        }
      }
      case Onnx.TensorProto.DataType.INT64_VALUE -> {
        long[] l = toLongs(t);
        for (int i = 0; i < n; i++) {
          out[i] = l[i];
        }
      }
      case Onnx.TensorProto.DataType.INT32_VALUE, Onnx.TensorProto.DataType.INT16_VALUE,
          Onnx.TensorProto.DataType.INT8_VALUE, Onnx.TensorProto.DataType.UINT8_VALUE,
          Onnx.TensorProto.DataType.UINT16_VALUE, Onnx.TensorProto.DataType.BOOL_VALUE -> {
        long[] l = toLongs(t);
        for (int i = 0; i < n; i++) {
          out[i] = l[i];
        }
      }
      default -> throw new IllegalArgumentException(
          "tensor '" + t.getName() + "' has data type " + type + ", which Lanterne cannot read as numbers");
    }
    return out;
  }

  /** Values as longs, from integer data types. */
  public static long[] toLongs(Onnx.TensorProto t) {
    int n = count(t);
    long[] out = new long[n];
    boolean hasRaw = t.hasRawData();
    ByteBuffer b = hasRaw ? raw(t) : null;
    switch (t.getDataType()) {
      case Onnx.TensorProto.DataType.INT64_VALUE -> {
        for (int i = 0; i < n; i++) {
          out[i] = hasRaw ? b.getLong(8 * i) : t.getInt64Data(i);
        }
      }
      case Onnx.TensorProto.DataType.INT32_VALUE -> {
        for (int i = 0; i < n; i++) {
          out[i] = hasRaw ? b.getInt(4 * i) : t.getInt32Data(i);
        }
      }
      case Onnx.TensorProto.DataType.INT16_VALUE -> {
        for (int i = 0; i < n; i++) {
          out[i] = hasRaw ? b.getShort(2 * i) : t.getInt32Data(i);
        }
      }
      case Onnx.TensorProto.DataType.UINT16_VALUE -> {
        for (int i = 0; i < n; i++) {
          out[i] = hasRaw ? Short.toUnsignedInt(b.getShort(2 * i)) : t.getInt32Data(i);
        }
      }
      case Onnx.TensorProto.DataType.INT8_VALUE -> {
        for (int i = 0; i < n; i++) {
          out[i] = hasRaw ? b.get(i) : t.getInt32Data(i);
        }
      }
      case Onnx.TensorProto.DataType.UINT8_VALUE, Onnx.TensorProto.DataType.BOOL_VALUE -> {
        for (int i = 0; i < n; i++) {
          out[i] = hasRaw ? Byte.toUnsignedInt(b.get(i)) : t.getInt32Data(i);
        }
      }
      case Onnx.TensorProto.DataType.FLOAT_VALUE -> {
        float[] f = toFloats(t);
        for (int i = 0; i < n; i++) {
          out[i] = (long) f[i];
        }
      }
      default -> throw new IllegalArgumentException(
          "tensor '" + t.getName() + "' has data type " + t.getDataType() + ", not an integer type");
    }
    return out;
  }

  /**
   * A FLOAT tensor holding the values as little-endian raw data; {@code values.length} must match the shape.
   */
  public static Onnx.TensorProto ofFloats(String name, long[] dims, float[] values) {
    ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(values);
    Onnx.TensorProto.Builder t = Onnx.TensorProto.newBuilder().setName(name)
        .setDataType(Onnx.TensorProto.DataType.FLOAT_VALUE).setRawData(ByteString.copyFrom(b.array()));
    for (long d : dims) {
      t.addDims(d);
    }
    return t.build();
  }

  /**
   * An INT64 tensor holding the values as little-endian raw data; {@code values.length} must match the shape.
   */
  public static Onnx.TensorProto ofLongs(String name, long[] dims, long[] values) {
    ByteBuffer b = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    b.asLongBuffer().put(values);
    Onnx.TensorProto.Builder t = Onnx.TensorProto.newBuilder().setName(name)
        .setDataType(Onnx.TensorProto.DataType.INT64_VALUE).setRawData(ByteString.copyFrom(b.array()));
    for (long d : dims) {
      t.addDims(d);
    }
    return t.build();
  }

  /**
   * An integer tensor of the given ONNX data type (INT8, UINT8, INT16, UINT16, INT32 or INT64),
   * stored as raw little-endian data; values must fit the type.
   */
  public static Onnx.TensorProto ofIntegers(String name, long[] dims, long[] values, int dataType) {
    int width = switch (dataType) {
      case Onnx.TensorProto.DataType.INT8_VALUE, Onnx.TensorProto.DataType.UINT8_VALUE -> 1;
      case Onnx.TensorProto.DataType.INT16_VALUE, Onnx.TensorProto.DataType.UINT16_VALUE -> 2;
      case Onnx.TensorProto.DataType.INT32_VALUE -> 4;
      case Onnx.TensorProto.DataType.INT64_VALUE -> 8;
      default -> throw new IllegalArgumentException("data type " + dataType + " is not an integer type");
    };
    ByteBuffer b = ByteBuffer.allocate(width * values.length).order(ByteOrder.LITTLE_ENDIAN);
    for (long v : values) {
      switch (width) {
        case 1 -> b.put((byte) v);
        case 2 -> b.putShort((short) v);
        case 4 -> b.putInt((int) v);
        default -> b.putLong(v);
      }
    }
    Onnx.TensorProto.Builder t = Onnx.TensorProto.newBuilder().setName(name).setDataType(dataType)
        .setRawData(ByteString.copyFrom(b.array()));
    for (long d : dims) {
      t.addDims(d);
    }
    return t.build();
  }

  /** A rank-0 float tensor. */
  public static Onnx.TensorProto scalar(String name, float value) {
    return ofFloats(name, new long[0], new float[] {value});
  }

  /** A rank-1 int64 tensor (shapes, axes, pads). */
  public static Onnx.TensorProto vector(String name, long... values) {
    return ofLongs(name, new long[] {values.length}, values);
  }
}
