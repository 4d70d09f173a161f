package dev.lanterne.grad;

import dev.lanterne.onnx.TensorProtos;
import dev.lanterne.onnx.proto.Onnx;
import java.util.Arrays;
import java.util.SplittableRandom;

/** Builds small test graphs: image-like input x [N,C,H,W], nodes, then Flatten to scores y [N,K]. */
final class TinyModel {
  private final int opset;
  private final long[] chw;
  private final Onnx.GraphProto.Builder g = Onnx.GraphProto.newBuilder().setName("tiny");
  private final SplittableRandom rnd = new SplittableRandom(5);
  private int counter;
  private boolean fixedBatch;

  TinyModel(int opset, long... chw) {
    this.opset = opset;
    this.chw = chw;
  }

  /** Declares a fixed batch of 1 instead of a dynamic one. */
  TinyModel fixedBatch() {
    fixedBatch = true;
    return this;
  }

  int opset() {
    return opset;
  }

  /** Adds a node and returns its first output. */
  String node(String op, String[] inputs, Onnx.AttributeProto... attrs) {
    return nodeN(op, inputs, 1, attrs)[0];
  }

  String node(String op, String input, Onnx.AttributeProto... attrs) {
    return node(op, new String[] {input}, attrs);
  }

  String[] nodeN(String op, String[] inputs, int outputs, Onnx.AttributeProto... attrs) {
    String[] outs = new String[outputs];
    for (int i = 0; i < outputs; i++) {
      outs[i] = op.toLowerCase() + "_" + (counter++);
    }
    g.addNode(Onnx.NodeProto.newBuilder().setOpType(op).setName(op + "_node_" + counter)
        .addAllInput(Arrays.asList(inputs)).addAllOutput(Arrays.asList(outs)).addAllAttribute(Arrays.asList(attrs)));
    return outs;
  }

  String floats(long[] dims, float... values) {
    String name = "w_" + (counter++);
    g.addInitializer(TensorProtos.ofFloats(name, dims, values));
    return name;
  }

  /** A random float constant in [-1, 1]. */
  String random(long... dims) {
    int n = 1;
    for (long d : dims) {
      n *= (int) d;
    }
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) rnd.nextDouble(-1, 1);
    }
    return floats(dims, v);
  }

  String ints(long... values) {
    String name = "i_" + (counter++);
    g.addInitializer(TensorProtos.vector(name, values));
    return name;
  }

  /** An int64 initializer of the given shape. */
  String constantLongs(long[] dims, long... values) {
    String name = "l_" + (counter++);
    g.addInitializer(TensorProtos.ofLongs(name, dims, values));
    return name;
  }

  String scalar(float v) {
    String name = "s_" + (counter++);
    g.addInitializer(TensorProtos.scalar(name, v));
    return name;
  }

  /** Finishes the graph: Flatten(last) becomes the scores y. */
  Onnx.ModelProto build(String last) {
    g.addNode(Onnx.NodeProto.newBuilder().setOpType("Flatten").addInput(last).addOutput("y")
        .addAttribute(dev.lanterne.onnx.Attributes.ofInt("axis", 1)));
    Onnx.TensorShapeProto.Builder shape = Onnx.TensorShapeProto.newBuilder()
        .addDim(fixedBatch ? Onnx.TensorShapeProto.Dimension.newBuilder().setDimValue(1)
            : Onnx.TensorShapeProto.Dimension.newBuilder().setDimParam("N"));
    for (long d : chw) {
      shape.addDim(Onnx.TensorShapeProto.Dimension.newBuilder().setDimValue(d));
    }
    Onnx.GraphProto.Builder copy = g.clone();
    copy.addInput(Onnx.ValueInfoProto.newBuilder().setName("x").setType(Onnx.TypeProto.newBuilder()
        .setTensorType(Onnx.TypeProto.Tensor.newBuilder().setElemType(1).setShape(shape))));
    copy.addOutput(Onnx.ValueInfoProto.newBuilder().setName("y").setType(Onnx.TypeProto.newBuilder()
        .setTensorType(Onnx.TypeProto.Tensor.newBuilder().setElemType(1))));
    return Onnx.ModelProto.newBuilder().setIrVersion(8).setProducerName("test")
        .addOpsetImport(Onnx.OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset))
        .setGraph(copy).build();
  }
}
