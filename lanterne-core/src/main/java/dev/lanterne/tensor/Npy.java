package dev.lanterne.tensor;

import dev.lanterne.LanterneException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * NumPy .npy files (format version 1.0 to 3.0), the exchange format with PyTorch references.
 * Reads float32, float64 (converted), int64 and int32 (converted to float); writes float32.
 */
public final class Npy {
  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
  private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']+)'");
  private static final Pattern ORDER = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
  private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

  private Npy() {}

  /**
   * Reads a .npy file as a float32 tensor.
   *
   * @throws dev.lanterne.LanterneException when the file cannot be read or is not a supported .npy array
   */
  public static Tensor read(Path file) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new LanterneException("cannot read " + file + ": " + e.getMessage() + "; check the path", e);
    }
    try {
      return parse(bytes);
    } catch (RuntimeException e) {
      throw new LanterneException(
          file + " is not a readable .npy array (" + e.getMessage() + "); write it with numpy.save as float32", e);
    }
  }

  static Tensor parse(byte[] bytes) {
    for (int i = 0; i < MAGIC.length; i++) {
      if (bytes.length <= i || bytes[i] != MAGIC[i]) {
        throw new IllegalArgumentException("missing NUMPY magic");
      }
    }
    ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    int major = bytes[6];
    int headerLen;
    int offset;
    if (major == 1) {
      headerLen = Short.toUnsignedInt(buf.getShort(8));
      offset = 10;
    } else {
      headerLen = buf.getInt(8);
      offset = 12;
    }
    String header = new String(bytes, offset, headerLen, StandardCharsets.ISO_8859_1);
    Matcher d = DESCR.matcher(header);
    Matcher o = ORDER.matcher(header);
    Matcher s = SHAPE.matcher(header);
    if (!d.find() || !o.find() || !s.find()) {
      throw new IllegalArgumentException("malformed header");
    }
    if (o.group(1).equals("True")) {
      throw new IllegalArgumentException("Fortran order is not supported");
    }
    List<Integer> dims = new ArrayList<>();
    for (String part : s.group(1).split(",")) {
      if (!part.isBlank()) {
        dims.add(Integer.parseInt(part.trim()));
      }
    }
    int[] shape = dims.stream().mapToInt(Integer::intValue).toArray();
    long count = 1;
    for (int x : shape) {
      count *= x;
    }
    int n = Math.toIntExact(count);
    String descr = d.group(1);
    ByteOrder order = descr.startsWith(">") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
    ByteBuffer data = ByteBuffer.wrap(bytes, offset + headerLen, bytes.length - offset - headerLen).slice().order(order);
    float[] out = new float[n];
    switch (descr.substring(1)) {
      case "f4" -> data.asFloatBuffer().get(out);
      case "f8" -> {
        for (int i = 0; i < n; i++) {
          out[i] = (float) data.getDouble(i * 8);
        }
      }
      case "i8" -> {
        for (int i = 0; i < n; i++) {
          out[i] = data.getLong(i * 8);
        }
      }
      case "i4" -> {
        for (int i = 0; i < n; i++) {
          out[i] = data.getInt(i * 4);
        }
      }
      default -> throw new IllegalArgumentException("unsupported dtype " + descr);
    }
    return new Tensor(out, shape);
  }

  /** Serialises a float32 array in .npy format version 1.0. */
  public static byte[] toBytes(Tensor t) {
    StringBuilder shape = new StringBuilder("(");
    for (int i = 0; i < t.shape().length; i++) {
      shape.append(t.shape()[i]);
      if (t.shape().length == 1 || i < t.shape().length - 1) {
        shape.append(i < t.shape().length - 1 ? ", " : ",");
      }
    }
    shape.append(")");
    String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': " + shape + ", }";
    int total = MAGIC.length + 4 + dict.length() + 1;
    int pad = (64 - total % 64) % 64;
    String header = dict + " ".repeat(pad) + "\n";
    ByteBuffer buf = ByteBuffer.allocate(10 + header.length() + 4 * t.data().length).order(ByteOrder.LITTLE_ENDIAN);
    buf.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) header.length());
    buf.put(header.getBytes(StandardCharsets.ISO_8859_1));
    buf.asFloatBuffer().put(t.data());
    return buf.array();
  }

  /**
   * Writes a tensor as a float32 .npy file (format 1.0, C order), atomically.
   *
   * @throws dev.lanterne.LanterneException when the file cannot be written
   */
  public static void write(Path file, Tensor t) {
    AtomicFiles.write(file, toBytes(t));
  }
}
