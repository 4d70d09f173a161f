package dev.lanterne.onnx;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.lanterne.LanterneException;
import dev.lanterne.onnx.proto.Onnx;
import dev.lanterne.tensor.ContainedPaths;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Reading and writing ONNX models, with external data inlined and checked. */
public final class OnnxModels {
  private OnnxModels() {}

  /**
   * Loads a model. Tensors stored as external data are read into raw_data; a location that points
   * outside the model's folder is refused (a model file must not read arbitrary files).
   */
  public static Onnx.ModelProto load(Path file) {
    Onnx.ModelProto model = parse(readFile(file), file.toString());
    return hasExternalData(model.getGraph()) ? inlineExternalData(model, realFolder(file)) : model;
  }

  /**
   * The bytes of a model file as they are on disk, with errors a user can act on. Only for hashing:
   * to load a model use {@link #readBytes} or {@link #load}, which check and inline external data.
   */
  public static byte[] readFile(Path model) {
    try {
      byte[] bytes = Files.readAllBytes(model);
      if (bytes.length == 0) {
        throw new LanterneException(model + " is empty; give an ONNX model file", LanterneException.FAILURE, null,
            "model");
      }
      return bytes;
    } catch (NoSuchFileException e) {
      throw new LanterneException("model file " + model + " does not exist; check the path",
          LanterneException.FAILURE, null, "model");
    } catch (IOException e) {
      throw new LanterneException("cannot read model " + model + " (" + e.getMessage() + ")", e);
    }
  }

  /** The real folder of a model file (links resolved): external data must lie inside it. */
  private static Path realFolder(Path file) {
    try {
      return file.toRealPath().getParent();
    } catch (IOException e) {
      throw new LanterneException("cannot read model " + file + " (" + e.getMessage() + ")", e);
    }
  }

  /**
   * The model's bytes as ONNX Runtime can load them from memory: the file itself, or, when its
   * tensors live in external data files, the model with that data inlined (and checked).
   */
  public static byte[] readBytes(Path file) {
    byte[] bytes = readFile(file);
    Onnx.ModelProto model = parse(bytes, file.toString());
    if (!hasExternalData(model.getGraph())) {
      return bytes;
    }
    return inlineExternalData(model, realFolder(file)).toByteArray();
  }

  /** Parses ONNX bytes; fails with a user-facing message when they are not an ONNX model. */
  public static Onnx.ModelProto parse(byte[] bytes, String what) {
    try {
      CodedInputStream in = CodedInputStream.newInstance(bytes);
      in.setRecursionLimit(1000);
      in.setSizeLimit(Integer.MAX_VALUE);
      Onnx.ModelProto model = Onnx.ModelProto.parseFrom(in);
      if (!model.hasGraph() || model.getGraph().getNodeCount() == 0 || model.getOpsetImportCount() == 0) {
        throw new InvalidProtocolBufferException("no graph or opset");
      }
      return model;
    } catch (IOException e) {
      throw new LanterneException(what + " is not an ONNX model; pass a .onnx file exported by a framework"
          + " (see onnx/README.md)", e);
    }
  }

  /** The model serialised in ONNX's protobuf wire format, as written to a .onnx file. */
  public static byte[] toBytes(Onnx.ModelProto model) {
    return model.toByteArray();
  }

  /** SHA-256 of a file, in lower-case hex: how model cards are matched to model files. */
  public static String sha256(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[1 << 16];
      for (int r; (r = in.read(buf)) > 0; ) {
        md.update(buf, 0, r);
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (IOException e) {
      throw new LanterneException("cannot read " + file + " (" + e.getMessage() + ")", e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * SHA-256 of bytes, in lower-case hex (the same digest as {@link #sha256(Path)} of a file holding them).
   */
  public static String sha256(byte[] bytes) {
    return sha256(ByteBuffer.wrap(bytes));
  }

  /** SHA-256 of a tensor's raw bytes, in lower-case hex (the same digest as {@link #sha256(byte[])}), uncopied. */
  public static String sha256(ByteString bytes) {
    return sha256(bytes.asReadOnlyByteBuffer());
  }

  private static String sha256(ByteBuffer bytes) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      md.update(bytes);
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The opset version of the default ONNX domain. */
  public static int opset(Onnx.ModelProto model) {
    for (Onnx.OperatorSetIdProto op : model.getOpsetImportList()) {
      if (!op.hasDomain() || op.getDomain().isEmpty() || op.getDomain().equals("ai.onnx")) {
        return (int) op.getVersion();
      }
    }
    return 1;
  }

  private static boolean hasExternalData(Onnx.GraphProto graph) {
    for (Onnx.TensorProto t : graph.getInitializerList()) {
      if (t.getDataLocation() == Onnx.TensorProto.DataLocation.EXTERNAL) {
        return true;
      }
    }
    return false;
  }

  /**
   * Where a tensor's external data lies (ONNX's external_data entries): location null when it names none,
   * offset 0 and length -1 (to the end of the file) when not given.
   */
  public record ExternalData(String location, long offset, long length) {}

  /** The external-data reference of a tensor; see {@link ExternalData}. */
  public static ExternalData externalData(Onnx.TensorProto t) {
    String location = null;
    long offset = 0;
    long length = -1;
    for (Onnx.StringStringEntryProto e : t.getExternalDataList()) {
      switch (e.getKey()) {
        case "location" -> location = e.getValue();
        case "offset" -> offset = Long.parseLong(e.getValue());
        case "length" -> length = Long.parseLong(e.getValue());
        default -> { }
      }
    }
    return new ExternalData(location, offset, length);
  }

  /** The tensor with its data stored as an external-data reference to a whole file at location. */
  public static Onnx.TensorProto withExternalData(Onnx.TensorProto t, String location, long length) {
    return t.toBuilder().clearRawData().setDataLocation(Onnx.TensorProto.DataLocation.EXTERNAL)
        .addExternalData(Onnx.StringStringEntryProto.newBuilder().setKey("location").setValue(location))
        .addExternalData(Onnx.StringStringEntryProto.newBuilder().setKey("length").setValue(Long.toString(length)))
        .build();
  }

  /** The tensor with data as its raw data, its external-data reference dropped. */
  public static Onnx.TensorProto withRawData(Onnx.TensorProto t, ByteString data) {
    return t.toBuilder().clearExternalData().clearDataLocation().setRawData(data).build();
  }

  private static Onnx.ModelProto inlineExternalData(Onnx.ModelProto model, Path dir) {
    Onnx.GraphProto.Builder g = model.getGraph().toBuilder();
    for (int i = 0; i < g.getInitializerCount(); i++) {
      Onnx.TensorProto t = g.getInitializer(i);
      if (t.getDataLocation() != Onnx.TensorProto.DataLocation.EXTERNAL) {
        continue;
      }
      ExternalData ref = externalData(t);
      String location = ref.location();
      long offset = ref.offset();
      long length = ref.length();
      if (location == null) {
        throw new LanterneException("tensor '" + t.getName() + "' has external data without a location;"
            + " the model is damaged, export it again");
      }
      Path lexical = dir.resolve(location).normalize();
      if (!lexical.startsWith(dir) || Path.of(location).isAbsolute()) {
        throw new LanterneException("tensor '" + t.getName() + "' points to external data outside the model's folder ("
            + location + "); refusing to read it, keep the data file beside the model");
      }
      // links are resolved: a link to, or through a folder, outside the model's real folder is refused too
      Path data = ContainedPaths.resolve(dir, location, "the external data of tensor '" + t.getName() + "'");
      try {
        byte[] all = Files.readAllBytes(data);
        long len = length < 0 ? all.length - offset : length;
        if (offset < 0 || offset + len > all.length) {
          throw new LanterneException("external data for '" + t.getName() + "' lies beyond the end of " + data
              + "; the data file is truncated, copy it again");
        }
        g.setInitializer(i, withRawData(t, ByteString.copyFrom(all, (int) offset, (int) len)));
      } catch (IOException e) {
        throw new LanterneException("cannot read external data " + data + " for tensor '" + t.getName() + "' ("
            + e.getMessage() + "); keep the data file beside the model", e);
      }
    }
    return model.toBuilder().setGraph(g).build();
  }

  /** The largest image side Lanterne accepts: larger inputs would not fit Java arrays. */
  public static final int MAX_SIDE = 8192;

  /**
   * {channels, height, width} of the model's image input: its one non-initializer input must be a
   * float tensor [N,C,H,W] with C 1 or 3 and fixed H and W of at most {@link #MAX_SIDE}.
   */
  public static int[] imageInputShape(Onnx.ModelProto model, String name) {
    java.util.Set<String> inits = new java.util.HashSet<>();
    for (Onnx.TensorProto t : model.getGraph().getInitializerList()) {
      inits.add(t.getName());
    }
    for (Onnx.ValueInfoProto in : model.getGraph().getInputList()) {
      if (inits.contains(in.getName())) {
        continue;
      }
      Onnx.TypeProto.Tensor t = in.getType().getTensorType();
      java.util.List<Onnx.TensorShapeProto.Dimension> d = t.getShape().getDimList();
      boolean ok = t.getElemType() == Onnx.TensorProto.DataType.FLOAT_VALUE && d.size() == 4
          && d.get(1).hasDimValue() && (d.get(1).getDimValue() == 3 || d.get(1).getDimValue() == 1)
          && d.get(2).hasDimValue() && d.get(3).hasDimValue() && d.get(2).getDimValue() > 0
          && d.get(3).getDimValue() > 0;
      if (!ok) {
        throw new LanterneException(name + " input '" + in.getName()
            + "' is not an image tensor; Lanterne needs a float input of shape [N,3,H,W] with fixed H and W");
      }
      if (d.get(2).getDimValue() > MAX_SIDE || d.get(3).getDimValue() > MAX_SIDE) {
        throw new LanterneException(name + " declares an input of " + d.get(2).getDimValue() + "x"
            + d.get(3).getDimValue() + " pixels; Lanterne supports image inputs up to " + MAX_SIDE + "x" + MAX_SIDE);
      }
      return new int[] {(int) d.get(1).getDimValue(), (int) d.get(2).getDimValue(), (int) d.get(3).getDimValue()};
    }
    throw new LanterneException(name + " has no image input; Lanterne needs [N,3,H,W]");
  }

  /**
   * The number of classes of the model's first output when the model declares it, else 0; refuses
   * outputs that are not class scores [N,K] (or [N,K,1,1]).
   */
  public static int classCount(Onnx.ModelProto model, String name) {
    if (model.getGraph().getOutputCount() == 0) {
      throw new LanterneException(name + " has no output; Lanterne needs class scores [N,classes]");
    }
    Onnx.ValueInfoProto out = model.getGraph().getOutput(0);
    if (!out.getType().hasTensorType() || !out.getType().getTensorType().hasShape()) {
      return 0;
    }
    java.util.List<Onnx.TensorShapeProto.Dimension> d = out.getType().getTensorType().getShape().getDimList();
    long classes = 0;
    boolean known = true;
    int notOne = 0;
    for (int i = 1; i < d.size(); i++) {
      if (!d.get(i).hasDimValue()) {
        known = false;
        notOne++;
      } else if (d.get(i).getDimValue() != 1) {
        notOne++;
        classes = d.get(i).getDimValue();
      }
    }
    if (d.size() < 2 || notOne > 1) {
      StringBuilder shape = new StringBuilder("[");
      for (int i = 0; i < d.size(); i++) {
        shape.append(i == 0 ? "" : ",").append(d.get(i).hasDimValue() ? String.valueOf(d.get(i).getDimValue())
            : d.get(i).getDimParam().isEmpty() ? "?" : d.get(i).getDimParam());
      }
      throw new LanterneException(name + " output '" + out.getName() + "' has shape " + shape
          + "]; Lanterne explains classifiers, whose output is class scores [N,classes]");
    }
    return known && classes > 0 && classes <= Integer.MAX_VALUE ? (int) classes : 0;
  }
}
