package dev.lanterne.onnx;

import static dev.lanterne.testing.TinyModels.floats;
import static dev.lanterne.testing.TinyModels.node;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanterne.LanterneException;
import dev.lanterne.onnx.proto.Onnx;
import dev.lanterne.onnx.proto.Onnx.TensorProto.DataType;
import dev.lanterne.runtime.Classifier;
import dev.lanterne.runtime.RuntimeOptions;
import dev.lanterne.testing.InceptionImages;
import dev.lanterne.testing.SharedData;
import dev.lanterne.testing.TinyModels;
import java.util.List;
import org.junit.jupiter.api.Test;

class DequantizeTest {
  @Test
  void removesActivationPairsOfTinyModel() {
    Onnx.ModelProto plain = Dequantize.apply(QdqFoldingTest.quantizedLinear());
    assertEquals(List.of("MatMul", "Add", "Identity"),
        plain.getGraph().getNodeList().stream().map(Onnx.NodeProto::getOpType).toList(),
        "the graph output 'y' came from the removed DequantizeLinear, so an Identity keeps its name");
    // x·W + b without the output quantization: [1, 2]·W + b, by hand
    assertArrayEquals(new float[] {-182.4f, 2, 137.3f}, QdqFoldingTest.run(plain), 1e-4f);
    for (Onnx.TensorProto t : plain.getGraph().getInitializerList()) {
      assertEquals(DataType.FLOAT_VALUE, t.getDataType(), t.getName() + " is float32");
    }
  }

  @Test
  void refusesDequantizeOfAnIntegerInput() {
    Onnx.GraphProto.Builder g = Onnx.GraphProto.newBuilder()
        .addInput(TinyModels.tensor("xq", DataType.UINT8_VALUE, 1, 2)).addOutput(floats("y", 1, 2))
        .addInitializer(TensorProtos.scalar("s", 0.5f))
        .addNode(node("DequantizeLinear", List.of("xq", "s"), "y"));
    LanterneException e = assertThrows(LanterneException.class, () -> Dequantize.apply(TinyModels.model(13, g)));
    assertTrue(e.getMessage().contains("DequantizeLinear node 'DequantizeLinear_y'"), e.getMessage());
  }

  @Test
  void dequantizedMobileNetV2KeepsItsPredictions() {
    Onnx.ModelProto qdq = OnnxModels.load(SharedData.model("mobilenetv2-1.0-224-qdq.onnx"));
    Onnx.ModelProto plain = Dequantize.apply(qdq);
    for (Onnx.NodeProto n : plain.getGraph().getNodeList()) {
      assertTrue(!n.getOpType().contains("Quantize"), "left a " + n.getOpType());
    }
    for (Onnx.TensorProto t : plain.getGraph().getInitializerList()) {
      assertTrue(t.getDataType() == DataType.FLOAT_VALUE || t.getDataType() == DataType.INT64_VALUE,
          t.getName() + " has type " + t.getDataType());
    }
    String[] images = {"coffee.png", "rocket.jpg"};
    int[] expected = {967, 657};
    int per = 3 * 224 * 224;
    float[] x = new float[images.length * per];
    for (int i = 0; i < images.length; i++) {
      System.arraycopy(InceptionImages.load(SharedData.image(images[i]), 224), 0, x, i * per, per);
    }
    RuntimeOptions options = RuntimeOptions.DEFAULT.withThreads(1);
    try (Classifier quantized = Classifier.open(qdq.toByteArray(), "qdq", options);
        Classifier dequantized = Classifier.open(plain.toByteArray(), "dequantized", options)) {
      float[] a = quantized.run(x, images.length);
      float[] b = dequantized.run(x, images.length);
      for (int i = 0; i < images.length; i++) {
        int k = 1000;
        assertEquals(expected[i], argmax(a, i * k, k), images[i] + " with the QDQ model");
        assertEquals(expected[i], argmax(b, i * k, k), images[i] + " with the dequantized model");
        double err = 0;
        double norm = 0;
        for (int c = 0; c < k; c++) {
          err += Math.pow(a[i * k + c] - b[i * k + c], 2);
          norm += Math.pow(a[i * k + c], 2);
        }
        double rel = Math.sqrt(err / norm);
        System.out.printf("%s: relative L2 logits QDQ vs dequantized %.4f%n", images[i], rel);
        assertTrue(rel < 0.1, images[i] + ": logits differ by " + rel);
      }
    }
  }

  static int argmax(float[] v, int from, int len) {
    int best = from;
    for (int i = from; i < from + len; i++) {
      if (v[i] > v[best]) {
        best = i;
      }
    }
    return best - from;
  }
}
