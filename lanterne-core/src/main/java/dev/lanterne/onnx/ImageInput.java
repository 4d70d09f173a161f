package dev.lanterne.onnx;

import dev.lanterne.LanterneException;
import dev.lanterne.onnx.proto.Onnx;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The image input of a classifier as exporters write it: channels first [N,C,H,W] (PyTorch) or
 * channels last [N,H,W,C] (Keras through tf2onnx), with fixed or symbolic height and width. Lanterne
 * works on [N,C,H,W] with fixed sizes; {@link #toNchw} rewrites any other form into that one (a
 * Transpose in front for channels last, the sizes fixed), so preprocessing, gradients and maps are
 * the same for every exporter.
 */
public final class ImageInput {
  /** Metadata key recording the original layout of an adapted model. */
  public static final String LAYOUT_KEY = "lanterne.input_layout";

  private ImageInput() {}

  /** Channels first or channels last. */
  public enum Layout {
    /** [N,C,H,W]. */
    NCHW,
    /** [N,H,W,C]. */
    NHWC;

    /** NCHW or NHWC (case-insensitive). */
    public static Layout parse(String s) {
      try {
        return valueOf(s.strip().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw LanterneException.usage("unknown input layout '" + s + "'; use NCHW or NHWC");
      }
    }
  }

  /**
   * What the model's image input is.
   *
   * @param name the input's name
   * @param layout channels first or last
   * @param channels C
   * @param height H, or -1 when symbolic
   * @param width W, or -1 when symbolic
   */
  public record Info(String name, Layout layout, long channels, long height, long width) {
    /** Whether {@link #toNchw} has something to do. */
    public boolean needsAdapting() {
      return layout != Layout.NCHW || height < 1 || width < 1;
    }
  }

  /**
   * Reads the image input: the first graph input that is not an initializer, rank 4, float. The
   * layout is the one given, or guessed: channels first when axis 1 has 1 or 3 values, channels last
   * when only axis 3 does.
   *
   * @param layout the layout a model card declares, or null to guess
   * @throws LanterneException with one line saying what is unsupported (uint8 pixels, other ranks)
   */
  public static Info describe(Onnx.ModelProto model, Layout layout) {
    Onnx.ValueInfoProto in = input(model.getGraph());
    Onnx.TypeProto.Tensor t = in.getType().getTensorType();
    String name = in.getName();
    if (t.getElemType() == Onnx.TensorProto.DataType.UINT8_VALUE
        || t.getElemType() == Onnx.TensorProto.DataType.INT8_VALUE) {
      throw new LanterneException("input '" + name + "' takes 8-bit pixels (the model does its own scaling);"
          + " Lanterne differentiates float inputs only: export the model with a float input (preprocessing"
          + " outside the graph, or baked in after a float input) and give its card");
    }
    if (t.getElemType() != Onnx.TensorProto.DataType.FLOAT_VALUE) {
      throw new LanterneException("input '" + name + "' is not an image tensor (element type "
          + Onnx.TensorProto.DataType.forNumber(t.getElemType()) + "); Lanterne needs a float image input");
    }
    List<Onnx.TensorShapeProto.Dimension> d = t.getShape().getDimList();
    if (d.size() != 4) {
      throw new LanterneException("input '" + name + "' is not an image tensor (rank " + d.size() + ");"
          + " Lanterne needs a float input [N,3,H,W] or [N,H,W,3]");
    }
    long[] v = new long[4];
    for (int i = 0; i < 4; i++) {
      v[i] = d.get(i).hasDimValue() && d.get(i).getDimValue() > 0 ? d.get(i).getDimValue() : -1;
    }
    Layout l = layout;
    if (l == null) {
      boolean first = v[1] == 1 || v[1] == 3;
      boolean last = v[3] == 1 || v[3] == 3;
      if (first) {
        l = Layout.NCHW;
      } else if (last) {
        l = Layout.NHWC;
      } else {
        throw new LanterneException("input '" + name + "' is not an image tensor (shape " + shape(v) + ": neither"
            + " axis 1 nor axis 3 holds 1 or 3 colour channels); give a card with inputLayout NCHW or NHWC");
      }
    }
    int c = l == Layout.NCHW ? 1 : 3;
    if (v[c] < 1) {
      throw new LanterneException("input '" + name + "' has shape " + shape(v) + " with symbolic channels;"
          + " Lanterne needs a fixed number of colour channels");
    }
    return l == Layout.NCHW ? new Info(name, l, v[1], v[2], v[3]) : new Info(name, l, v[3], v[1], v[2]);
  }

  /**
   * The model with an [N,C,H,W] float input of fixed H and W, under the same name. A channels-last
   * model gets a Transpose from the new input to what its nodes read; symbolic sizes are fixed.
   *
   * @param size {H,W} for symbolic sizes (from --size or the card), or null
   * @throws LanterneException when a size is symbolic and none is given, or a given size contradicts the model
   */
  public static Onnx.ModelProto toNchw(Onnx.ModelProto model, Info info, int[] size) {
    long h = info.height();
    long w = info.width();
    if (size != null && ((h > 0 && h != size[0]) || (w > 0 && w != size[1]))) {
      throw LanterneException.usage("size", "the model's input is " + (h > 0 ? h : "H") + "x" + (w > 0 ? w : "W")
          + " but the size asked is " + size[0] + "x" + size[1] + "; ask for no size or the model's own");
    }
    if (h < 1 || w < 1) {
      if (size == null) {
        throw LanterneException.usage("size", "input '" + info.name() + "' has a symbolic height or width;"
            + " give a size HxW (or a card with inputSize) to fix it");
      }
      h = size[0];
      w = size[1];
    }
    if (!info.needsAdapting()) {
      return model;
    }
    Onnx.GraphProto g = model.getGraph();
    Onnx.GraphProto.Builder b = g.toBuilder();
    int index = inputIndex(g, info.name());
    Onnx.ValueInfoProto old = g.getInput(index);
    Onnx.TensorShapeProto.Dimension batch = old.getType().getTensorType().getShape().getDim(0);
    Onnx.TensorShapeProto.Builder shape = Onnx.TensorShapeProto.newBuilder().addDim(batch)
        .addDim(dim(info.channels())).addDim(dim(h)).addDim(dim(w));
    b.setInput(index, old.toBuilder().setType(Onnx.TypeProto.newBuilder().setTensorType(
        Onnx.TypeProto.Tensor.newBuilder().setElemType(Onnx.TensorProto.DataType.FLOAT_VALUE).setShape(shape))));
    if (info.layout() == Layout.NHWC) {
      String inner = Graphs.freshName(Graphs.names(g), info.name() + "_nhwc");
      b.clearNode();
      b.addNode(Onnx.NodeProto.newBuilder().setOpType("Transpose").setName(inner + "_transpose")
          .addInput(info.name()).addOutput(inner).addAttribute(Attributes.ofInts("perm", 0, 2, 3, 1)));
      for (Onnx.NodeProto n : g.getNodeList()) {
        Onnx.NodeProto.Builder nb = n.toBuilder();
        for (int i = 0; i < n.getInputCount(); i++) {
          if (n.getInput(i).equals(info.name())) {
            nb.setInput(i, inner);
          }
        }
        b.addNode(nb);
      }
      // value_info of the old input name would now describe the wrong layout
      List<Onnx.ValueInfoProto> kept = g.getValueInfoList().stream().filter(v -> !v.getName().equals(info.name()))
          .toList();
      b.clearValueInfo().addAllValueInfo(kept);
    }
    return model.toBuilder().setGraph(b).addMetadataProps(Onnx.StringStringEntryProto.newBuilder()
        .setKey(LAYOUT_KEY).setValue(info.layout().name())).build();
  }

  /**
   * A description of the preprocessing the model does itself, when the image input (or its
   * channels-last Transpose) goes straight into a Sub, Div, Mul or Add with a constant (a mean or a
   * scale baked into the graph), else empty. Such a model is explained correctly only with a card
   * whose mean and std give the input range it expects.
   */
  public static java.util.Optional<String> bakedPreprocessing(Onnx.ModelProto model) {
    Onnx.GraphProto g = model.getGraph();
    java.util.Map<String, Onnx.TensorProto> constants = Graphs.constants(g);
    Set<String> reads = new HashSet<>(List.of(input(g).getName()));
    for (Onnx.NodeProto n : g.getNodeList()) {
      if (n.getInputList().stream().noneMatch(reads::contains)) {
        continue;
      }
      String op = n.getOpType();
      if (op.equals("Transpose") || op.equals("Identity") || op.equals("Cast")) {
        reads.addAll(n.getOutputList());
      } else if ((op.equals("Sub") || op.equals("Div") || op.equals("Mul") || op.equals("Add"))
          && n.getInputList().stream().anyMatch(constants::containsKey)) {
        return java.util.Optional.of("node '" + n.getName() + "' (" + op + " by a constant)");
      }
    }
    return java.util.Optional.empty();
  }

  private static Onnx.TensorShapeProto.Dimension dim(long v) {
    return Onnx.TensorShapeProto.Dimension.newBuilder().setDimValue(v).build();
  }

  private static String shape(long[] v) {
    StringBuilder s = new StringBuilder("[");
    for (int i = 0; i < v.length; i++) {
      s.append(i > 0 ? "," : "").append(v[i] > 0 ? Long.toString(v[i]) : "?");
    }
    return s.append("]").toString();
  }

  private static Onnx.ValueInfoProto input(Onnx.GraphProto g) {
    Set<String> inits = new HashSet<>();
    g.getInitializerList().forEach(t -> inits.add(t.getName()));
    for (Onnx.ValueInfoProto v : g.getInputList()) {
      if (!inits.contains(v.getName())) {
        return v;
      }
    }
    throw new LanterneException("the model has no input; Lanterne needs an image input [N,C,H,W]");
  }

  private static int inputIndex(Onnx.GraphProto g, String name) {
    for (int i = 0; i < g.getInputCount(); i++) {
      if (g.getInput(i).getName().equals(name)) {
        return i;
      }
    }
    throw new IllegalArgumentException(name);
  }
}
