package dev.lanterne.onnx;

import static dev.lanterne.testing.TinyModels.floats;
import static dev.lanterne.testing.TinyModels.node;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanterne.onnx.proto.Onnx;
import dev.lanterne.onnx.proto.Onnx.TensorProto.DataType;
import dev.lanterne.testing.TinyModels;
import java.util.List;
import org.junit.jupiter.api.Test;

class QdqFoldingTest {
  private static final long[] X_SHAPE = {1, 2};
  private static final float[] X = {1, 2};

  /**
   * y = DQ(Q(x · W + b)) with W = DQ(uint8 per-tensor) and b = DQ(int8 per-axis): the weights
   * fold, the activation pair stays.
   */
  static Onnx.ModelProto quantizedLinear() {
    Onnx.GraphProto.Builder g = Onnx.GraphProto.newBuilder()
        .addInput(floats("x", X_SHAPE)).addOutput(floats("y", 1, 3))
        .addInitializer(TensorProtos.ofIntegers("wq", new long[] {2, 3}, new long[] {0, 128, 255, 10, 130, 200},
            DataType.UINT8_VALUE))
        .addInitializer(TensorProtos.scalar("ws", 0.5f))
        .addInitializer(TensorProtos.ofIntegers("wz", new long[0], new long[] {128}, DataType.UINT8_VALUE))
        .addInitializer(TensorProtos.ofIntegers("bq", new long[] {3}, new long[] {-3, 0, 5}, DataType.INT8_VALUE))
        .addInitializer(TensorProtos.ofFloats("bs", new long[] {3}, new float[] {0.1f, 0.2f, 0.3f}))
        .addInitializer(TensorProtos.ofIntegers("bz", new long[] {3}, new long[] {1, 0, -1}, DataType.INT8_VALUE))
        .addInitializer(TensorProtos.scalar("as", 0.25f))
        .addInitializer(TensorProtos.ofIntegers("az", new long[0], new long[] {100}, DataType.UINT8_VALUE))
        .addNode(node("DequantizeLinear", List.of("wq", "ws", "wz"), "w"))
        .addNode(node("DequantizeLinear", List.of("bq", "bs", "bz"), "b", Attributes.ofInt("axis", 0)))
        .addNode(node("MatMul", List.of("x", "w"), "h"))
        .addNode(node("Add", List.of("h", "b"), "a"))
        .addNode(node("QuantizeLinear", List.of("a", "as", "az"), "aq"))
        .addNode(node("DequantizeLinear", List.of("aq", "as", "az"), "y"));
    return TinyModels.model(13, g);
  }

  static float[] run(Onnx.ModelProto m) {
    return TinyModels.run(m.toByteArray(), "x", X, X_SHAPE, "y");
  }

  @Test
  void foldsConstantWeightsAndKeepsActivationPairs() {
    Onnx.ModelProto folded = QdqFolding.apply(quantizedLinear());
    List<String> ops = folded.getGraph().getNodeList().stream().map(Onnx.NodeProto::getOpType).toList();
    assertEquals(List.of("MatMul", "Add", "QuantizeLinear", "DequantizeLinear"), ops);
    var constants = Graphs.constants(folded.getGraph());
    // (q - zero point) * scale, by hand
    assertArrayEquals(new float[] {-64, 0, 63.5f, -59, 1, 36}, TensorProtos.toFloats(constants.get("w")));
    assertArrayEquals(new float[] {-0.4f, 0, 1.8f}, TensorProtos.toFloats(constants.get("b")), 1e-6f);
    assertEquals(DataType.FLOAT_VALUE, constants.get("w").getDataType());
    assertTrue(!constants.containsKey("wq") && !constants.containsKey("bq"), "quantized weights are dropped");
    // x·W + b = [-182.4, 2, 137.3], then quantized with scale 0.25 and zero point 100 (saturating)
    assertArrayEquals(new float[] {-25, 2, 38.75f}, run(folded), 1e-6f);
    assertArrayEquals(run(quantizedLinear()), run(folded), 1e-6f);
  }

  @Test
  void foldsQuantizeOfConstantFloatWeights() {
    Onnx.GraphProto.Builder g = Onnx.GraphProto.newBuilder()
        .addInput(floats("x", 1, 4)).addOutput(floats("y", 1, 4))
        .addInitializer(TensorProtos.ofFloats("wf", new long[] {1, 4}, new float[] {0.3f, -0.74f, 1.25f, 100}))
        .addInitializer(TensorProtos.scalar("s", 0.5f))
        .addInitializer(TensorProtos.ofIntegers("z", new long[0], new long[] {0}, DataType.INT8_VALUE))
        .addNode(node("QuantizeLinear", List.of("wf", "s", "z"), "wq"))
        .addNode(node("DequantizeLinear", List.of("wq", "s", "z"), "w"))
        .addNode(node("Add", List.of("x", "w"), "y"));
    Onnx.ModelProto folded = QdqFolding.apply(TinyModels.model(13, g));
    assertEquals(1, folded.getGraph().getNodeCount());
    // round half to even: 0.6 -> 1, -1.48 -> -1, 2.5 -> 2, 200 saturates at 127
    assertArrayEquals(new float[] {0.5f, -0.5f, 1.0f, 63.5f},
        TensorProtos.toFloats(Graphs.constants(folded.getGraph()).get("w")));
  }

  @Test
  void perAxisDequantizeUsesTheAxisSlices() {
    Onnx.GraphProto.Builder g = Onnx.GraphProto.newBuilder()
        .addInput(floats("x", 2, 2)).addOutput(floats("y", 2, 2))
        .addInitializer(TensorProtos.ofIntegers("q", new long[] {2, 2}, new long[] {1, 2, 3, 4}, DataType.INT8_VALUE))
        .addInitializer(TensorProtos.ofFloats("s", new long[] {2}, new float[] {1, 10}))
        .addNode(node("DequantizeLinear", List.of("q", "s"), "w", Attributes.ofInt("axis", 1)))
        .addNode(node("Add", List.of("x", "w"), "y"));
    Onnx.ModelProto folded = QdqFolding.apply(TinyModels.model(13, g));
    // axis 1: columns scaled by 1 and 10, no zero point
    assertArrayEquals(new float[] {1, 20, 3, 40}, TensorProtos.toFloats(Graphs.constants(folded.getGraph()).get("w")));
  }
}
