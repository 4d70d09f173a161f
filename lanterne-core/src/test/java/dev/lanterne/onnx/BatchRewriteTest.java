package dev.lanterne.onnx;

import static dev.lanterne.testing.TinyModels.floats;
import static dev.lanterne.testing.TinyModels.node;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanterne.onnx.proto.Onnx;
import dev.lanterne.runtime.Classifier;
import dev.lanterne.runtime.RuntimeOptions;
import dev.lanterne.testing.SharedData;
import dev.lanterne.testing.TinyModels;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BatchRewriteTest {
  @Test
  void pretrainedMobileNetV1RunsBatched() {
    checkBatchedEqualsSingle(SharedData.model("mobilenetv1-0.25-128.onnx"));
  }

  @Test
  void pretrainedQdqMobileNetV2RunsBatched() {
    checkBatchedEqualsSingle(SharedData.model("mobilenetv2-1.0-224-qdq.onnx"));
  }

  /** A batch of 4 through the rewritten model against 4 runs of the original, fixed-batch one. */
  private static void checkBatchedEqualsSingle(Path model) {
    byte[] original = dev.lanterne.onnx.OnnxModels.readFile(model);
    RuntimeOptions options = RuntimeOptions.DEFAULT.withThreads(1);
    try (Classifier c = Classifier.open(original, "rewritten", options)) {
      assertTrue(c.batched(), model + " should run batched after the rewrite");
      int[] chw = c.inputShape();
      int per = chw[0] * chw[1] * chw[2];
      int n = 4;
      float[] x = new float[n * per];
      SplittableRandom rnd = new SplittableRandom(3);
      for (int i = 0; i < x.length; i++) {
        x[i] = (float) rnd.nextDouble(-1, 1);
      }
      float[] batched = c.run(x, n);
      int k = c.numClasses();
      for (int i = 0; i < n; i++) {
        float[] single = TinyModels.run(original, c.inputName(), Arrays.copyOfRange(x, i * per, (i + 1) * per),
            new long[] {1, chw[0], chw[1], chw[2]}, c.outputName());
        assertArrayEquals(single, Arrays.copyOfRange(batched, i * k, (i + 1) * k), 1e-4f, "image " + i);
      }
    }
  }

  /** input [1,2,2,2] → Transpose(perm) → Reshape(target) → y, at opset 13. */
  private static Onnx.ModelProto transposeReshape(long[] perm, long[] target, long[] outDims) {
    Onnx.GraphProto.Builder g = Onnx.GraphProto.newBuilder()
        .addInput(floats("x", 1, 2, 2, 2)).addOutput(floats("y", outDims))
        .addValueInfo(floats("t", 1, 2, 2, 2))
        .addInitializer(TensorProtos.vector("shape", target))
        .addNode(node("Transpose", List.of("x"), "t", Attributes.ofInts("perm", perm)))
        .addNode(node("Reshape", List.of("t", "shape"), "y"));
    return TinyModels.model(13, g);
  }

  @Test
  void reshapeToBatchOfOneBecomesInferred() {
    Onnx.ModelProto m = transposeReshape(new long[] {0, 2, 3, 1}, new long[] {1, 8}, new long[] {1, 8});
    Optional<byte[]> rewritten = BatchRewrite.makeBatchDynamic(m.toByteArray());
    assertTrue(rewritten.isPresent());
    Onnx.GraphProto g = OnnxModels.parse(rewritten.get(), "rewritten").getGraph();
    String target = g.getNode(1).getInput(1);
    assertArrayEquals(new long[] {-1, 8}, TensorProtos.toLongs(Graphs.constants(g).get(target)));
    assertEquals("N", g.getInput(0).getType().getTensorType().getShape().getDim(0).getDimParam());
    assertEquals("N", g.getOutput(0).getType().getTensorType().getShape().getDim(0).getDimParam());
    assertTrue(!g.getValueInfo(0).getType().getTensorType().hasShape(), "stale value_info shape dropped");
    // three images through the rewrite equal three single runs of the original
    float[] x = new float[24];
    for (int i = 0; i < x.length; i++) {
      x[i] = i * 0.5f - 3;
    }
    float[] y = TinyModels.run(rewritten.get(), "x", x, new long[] {3, 2, 2, 2}, "y");
    for (int i = 0; i < 3; i++) {
      float[] one = TinyModels.run(m.toByteArray(), "x", Arrays.copyOfRange(x, 8 * i, 8 * i + 8),
          new long[] {1, 2, 2, 2}, "y");
      assertArrayEquals(one, Arrays.copyOfRange(y, 8 * i, 8 * i + 8));
    }
  }

  @Test
  void reshapeWithInferredDimensionCopiesTheBatch() {
    Onnx.ModelProto m = transposeReshape(new long[] {0, 2, 3, 1}, new long[] {1, -1, 2}, new long[] {1, 4, 2});
    Onnx.GraphProto g = OnnxModels.parse(BatchRewrite.makeBatchDynamic(m.toByteArray()).orElseThrow(), "r")
        .getGraph();
    assertArrayEquals(new long[] {0, -1, 2}, TensorProtos.toLongs(Graphs.constants(g).get(g.getNode(1).getInput(1))));
  }

  @Test
  void oldReshapeWithShapeAttributeIsRewritten() {
    Onnx.GraphProto.Builder g = Onnx.GraphProto.newBuilder()
        .addInput(floats("x", 1, 2, 2, 2)).addOutput(floats("y", 1, 8))
        .addNode(node("Reshape", List.of("x"), "y", Attributes.ofInts("shape", 1, 8)));
    byte[] rewritten = BatchRewrite.makeBatchDynamic(TinyModels.model(4, g).toByteArray()).orElseThrow();
    Onnx.NodeProto n = OnnxModels.parse(rewritten, "r").getGraph().getNode(0);
    assertArrayEquals(new long[] {-1, 8}, Attributes.getInts(n, "shape"));
  }

  @Test
  void reshapeThatMergesTheBatchIsRefused() {
    Onnx.ModelProto m = transposeReshape(new long[] {0, 2, 3, 1}, new long[] {8}, new long[] {8});
    assertTrue(BatchRewrite.makeBatchDynamic(m.toByteArray()).isEmpty());
  }

  @Test
  void refusesGraphsThatMoveTheBatchAxis() {
    Onnx.ModelProto moved = transposeReshape(new long[] {1, 0, 2, 3}, new long[] {2, 4}, new long[] {2, 4});
    assertTrue(BatchRewrite.makeBatchDynamic(moved.toByteArray()).isEmpty());
    Onnx.GraphProto.Builder g = Onnx.GraphProto.newBuilder()
        .addInput(floats("x", 1, 2, 2, 2)).addOutput(floats("y", 1, 8))
        .addNode(node("Flatten", List.of("x"), "y", Attributes.ofInt("axis", 0)));
    assertTrue(BatchRewrite.makeBatchDynamic(TinyModels.model(13, g).toByteArray()).isEmpty());
  }

  @Test
  void sliceOfTheBatchAxisKeepsAllImages() {
    Onnx.GraphProto.Builder g = Onnx.GraphProto.newBuilder()
        .addInput(floats("x", 1, 4)).addOutput(floats("y", 1, 2))
        .addInitializer(TensorProtos.vector("starts", 0, 1))
        .addInitializer(TensorProtos.vector("ends", 1, 3))
        .addInitializer(TensorProtos.vector("axes", 0, 1))
        .addNode(node("Slice", List.of("x", "starts", "ends", "axes"), "y"));
    byte[] rewritten = BatchRewrite.makeBatchDynamic(TinyModels.model(13, g).toByteArray()).orElseThrow();
    float[] y = TinyModels.run(rewritten, "x", new float[] {1, 2, 3, 4, 5, 6, 7, 8}, new long[] {2, 4}, "y");
    assertArrayEquals(new float[] {2, 3, 6, 7}, y);
  }

  @Test
  void flattenFromShapeComputationStaysDynamic() {
    // the torch.flatten export: Shape → Gather(0) → Unsqueeze → Concat([N], [-1]) → Reshape
    Onnx.GraphProto.Builder g = Onnx.GraphProto.newBuilder()
        .addInput(floats("x", 1, 2, 2)).addOutput(floats("y", 1, 4))
        .addInitializer(TensorProtos.ofLongs("zero", new long[0], new long[] {0}))
        .addInitializer(TensorProtos.vector("minus1", -1))
        .addInitializer(TensorProtos.vector("axes0", 0))
        .addNode(node("Shape", List.of("x"), "s"))
        .addNode(node("Gather", List.of("s", "zero"), "n", Attributes.ofInt("axis", 0)))
        .addNode(node("Unsqueeze", List.of("n", "axes0"), "n1"))
        .addNode(node("Concat", List.of("n1", "minus1"), "target", Attributes.ofInt("axis", 0)))
        .addNode(node("Reshape", List.of("x", "target"), "y"));
    byte[] rewritten = BatchRewrite.makeBatchDynamic(TinyModels.model(13, g).toByteArray()).orElseThrow();
    float[] y = TinyModels.run(rewritten, "x", new float[] {1, 2, 3, 4, 5, 6, 7, 8}, new long[] {2, 2, 2}, "y");
    assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6, 7, 8}, y);
  }
}
