package dev.lanterne.onnx;

import static dev.lanterne.testing.TinyModels.floats;
import static dev.lanterne.testing.TinyModels.node;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanterne.LanterneException;
import dev.lanterne.onnx.proto.Onnx;
import dev.lanterne.testing.TinyModels;
import java.util.List;
import org.junit.jupiter.api.Test;

class OutputsTest {
  /** y = Relu(x * 2) - 1, with the intermediate h = Relu(x * 2). */
  private static Onnx.ModelProto model() {
    Onnx.GraphProto.Builder g = Onnx.GraphProto.newBuilder()
        .addInput(floats("x", 1, 3)).addOutput(floats("y", 1, 3))
        .addInitializer(TensorProtos.scalar("two", 2))
        .addInitializer(TensorProtos.scalar("one", 1))
        .addNode(node("Mul", List.of("x", "two"), "m"))
        .addNode(node("Relu", List.of("m"), "h"))
        .addNode(node("Sub", List.of("h", "one"), "y"));
    return TinyModels.model(13, g);
  }

  @Test
  void exposedIntermediateCanBeRead() {
    Onnx.ModelProto m = Outputs.expose(model(), "h", "y");
    assertEquals(2, m.getGraph().getOutputCount(), "y was already an output");
    float[] h = TinyModels.run(m.toByteArray(), "x", new float[] {-1, 0.5f, 3}, new long[] {1, 3}, "h");
    assertArrayEquals(new float[] {0, 1, 6}, h);
  }

  @Test
  void keepsTheShapeFromValueInfo() {
    Onnx.ModelProto withInfo = model().toBuilder()
        .setGraph(model().getGraph().toBuilder().addValueInfo(floats("m", 1, 3))).build();
    Onnx.ValueInfoProto out = Outputs.expose(withInfo, "m").getGraph().getOutput(1);
    assertEquals(2, out.getType().getTensorType().getShape().getDimCount());
  }

  @Test
  void unknownTensorIsAClearError() {
    LanterneException e = assertThrows(LanterneException.class, () -> Outputs.expose(model(), "layer4"));
    assertTrue(e.getMessage().contains("no tensor named 'layer4'"), e.getMessage());
  }
}
