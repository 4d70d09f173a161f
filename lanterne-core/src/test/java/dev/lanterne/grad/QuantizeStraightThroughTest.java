package dev.lanterne.grad;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.lanterne.onnx.TensorProtos;
import dev.lanterne.onnx.proto.Onnx;
import dev.lanterne.runtime.GradientModel;
import dev.lanterne.runtime.RuntimeOptions;
import dev.lanterne.grad.SaliencySession;
import dev.lanterne.testing.TinyModels;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * An activation's QuantizeLinear/DequantizeLinear pair passes the gradient where the quantized value
 * lies inside its range and stops it where it saturates (at either end code) (the clipped straight-through
 * estimator of PyTorch's fake quantization).
 */
class QuantizeStraightThroughTest {
  @ParameterizedTest(name = "{0}")
  @CsvSource({"uint8, 128", "int8, 0"})
  void gradientPassesInsideTheRangeAndStopsOutside(String type, long zeroPoint) {
    // scale 0.1 with zero point 128 (uint8) or 0 (int8): the codes are saturated at the lowest code for
    // x <= -12.75 and at the highest for x >= 12.65; 12.64 and -12.7 give the last codes inside
    int dataType = type.equals("uint8") ? Onnx.TensorProto.DataType.UINT8_VALUE : Onnx.TensorProto.DataType.INT8_VALUE;
    float[] w = new float[12 * 2];
    for (int i = 0; i < 12; i++) {
      w[i * 2] = 1f; // class 0 sums every pixel; class 1 is constant 0
    }
    Onnx.ModelProto model = TinyModels.model(13, Onnx.GraphProto.newBuilder()
        .addInput(TinyModels.floats("input", -1, 3, 2, 2))
        .addOutput(TinyModels.floats("logits", -1, 2))
        .addInitializer(TensorProtos.scalar("scale", 0.1f))
        .addInitializer(TensorProtos.ofIntegers("zp", new long[0], new long[] {zeroPoint}, dataType))
        .addInitializer(TensorProtos.ofFloats("W", new long[] {12, 2}, w))
        .addNode(TinyModels.node("QuantizeLinear", List.of("input", "scale", "zp"), "q"))
        .addNode(TinyModels.node("DequantizeLinear", List.of("q", "scale", "zp"), "dq"))
        .addNode(TinyModels.node("Flatten", List.of("dq"), "flat"))
        .addNode(TinyModels.node("MatMul", List.of("flat", "W"), "logits")));
    float[] x = {1f, -3f, 12.64f, -12.7f, 12.7f, -12.8f, 20f, -20f, 0f, 5.55f, 100f, -0.04f};
    float[] expected = {1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 0, 1};
    try (GradientModel g = new SaliencySession(GradientCompiler.compileSaliency(model, GradientOptions.DEFAULT),
        RuntimeOptions.DEFAULT)) {
      float[] grad = g.gradient(x, 1, new float[] {1, 0}).inputGradient();
      assertArrayEquals(expected, grad, 0f);
    }
  }
}
