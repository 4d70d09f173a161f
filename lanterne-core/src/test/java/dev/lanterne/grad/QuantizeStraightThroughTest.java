package dev.lanterne.grad;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.lanterne.onnx.TensorProtos;
import dev.lanterne.onnx.proto.Onnx;
import dev.lanterne.runtime.GradientModel;
import dev.lanterne.runtime.RuntimeOptions;
import dev.lanterne.grad.SaliencySession;
import dev.lanterne.testing.TinyModels;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * An activation's QuantizeLinear/DequantizeLinear pair passes the gradient where the quantized value
 * lies inside its range and stops it where it saturates (at either end code) (the clipped straight-through
 * estimator of PyTorch's fake quantization).
 */
class QuantizeStraightThroughTest {
  @Test
  void gradientPassesInsideTheRangeAndStopsOutside() {
    // uint8, scale 0.1, zero point 128: q = round(x / 0.1) + 128 is saturated at 0 (x <= -12.75) and at
    // 255 (x >= 12.65); 12.64 gives q = 254 and -12.7 gives q = 1, the last codes inside
    float[] w = new float[12 * 2];
    for (int i = 0; i < 12; i++) {
      w[i * 2] = 1f; // class 0 sums every pixel; class 1 is constant 0
    }
    Onnx.ModelProto model = TinyModels.model(13, Onnx.GraphProto.newBuilder()
        .addInput(TinyModels.floats("input", -1, 3, 2, 2))
        .addOutput(TinyModels.floats("logits", -1, 2))
        .addInitializer(TensorProtos.scalar("scale", 0.1f))
        .addInitializer(TensorProtos.ofIntegers("zp", new long[0], new long[] {128},
            Onnx.TensorProto.DataType.UINT8_VALUE))
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
