package dev.lanterne.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lanterne.onnx.proto.Onnx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OrtProfileTest {
  private static Onnx.NodeProto node(String name, String op, List<String> in, String out) {
    return Onnx.NodeProto.newBuilder().setName(name).setOpType(op).addAllInput(in).addOutput(out).build();
  }

  /**
   * A derived graph as ONNX Runtime leaves it: its own reorder of a forward tensor that only the
   * backward reads, and a transpose it moved into the backward, both without the compiler's prefix.
   */
  private static Onnx.GraphProto optimisedGraph() {
    return Onnx.GraphProto.newBuilder()
        .addNode(node("conv", "Conv", List.of("x"), "a"))
        .addNode(node("ReorderOutput_token_1", "ReorderOutput", List.of("a"), "a_nchw"))
        .addNode(node("relu", "Relu", List.of("a"), "scores"))
        .addNode(node("lanterne/Mul_1", "Mul", List.of("seed", "a_nchw"), "g"))
        .addNode(node("Transpose_token_2", "Transpose", List.of("g"), "g_t"))
        .addNode(node("lanterne/Conv_2", "Conv", List.of("g_t"), "grad_input"))
        .addOutput(Onnx.ValueInfoProto.newBuilder().setName("scores"))
        .addOutput(Onnx.ValueInfoProto.newBuilder().setName("grad_input"))
        .build();
  }

  @Test
  void forwardPartIsWhatTheScoresDependOn() {
    assertEquals(Set.of("conv", "relu"), OrtProfile.forwardNodes(optimisedGraph(), Set.of("grad_input")));
  }

  @Test
  void runtimeAddedNodesCountInThePartTheyServe(@TempDir Path dir) throws Exception {
    Path trace = dir.resolve("trace.json");
    Files.writeString(trace, """
        [{"cat":"Session","name":"model_run","dur":20000},
         {"cat":"Node","name":"conv_kernel_time","dur":4000,"args":{"op_name":"Conv"}},
         {"cat":"Node","name":"conv_fence_before","dur":7000,"args":{"op_name":"Conv"}},
         {"cat":"Node","name":"ReorderOutput_token_1_kernel_time","dur":1000,"args":{"op_name":"ReorderOutput"}},
         {"cat":"Node","name":"relu_kernel_time","dur":2000,"args":{"op_name":"Relu"}},
         {"cat":"Node","name":"lanterne/Mul_1_kernel_time","dur":3000,"args":{"op_name":"Mul"}},
         {"cat":"Node","name":"Transpose_token_2_kernel_time","dur":1500,"args":{"op_name":"Transpose"}},
         {"cat":"Node","name":"lanterne/Conv_2_kernel_time","dur":6000,"args":{"op_name":"Conv"}}]
        """);
    Set<String> forward = OrtProfile.forwardNodes(optimisedGraph(), Set.of("grad_input"));
    OrtProfile byFlow = OrtProfile.read(trace, forward::contains, 2, 0);
    // forward: conv 4 + relu 2 ms over 2 calls; backward: 1 + 3 + 1.5 + 6 ms over 2 calls
    assertEquals(3.0, byFlow.partMs("forward"), 1e-9);
    assertEquals(5.75, byFlow.partMs("backward"), 1e-9);
    assertEquals(0.5, byFlow.top("backward", 10).stream().filter(t -> t.op().equals("ReorderOutput"))
        .findFirst().orElseThrow().ms(), 1e-9);
    // by names alone, the runtime's reorder and transpose would count as forward
    OrtProfile byName = OrtProfile.read(trace, "lanterne/", 2, 0);
    assertEquals(4.25, byName.partMs("forward"), 1e-9);
    assertEquals(4.5, byName.partMs("backward"), 1e-9);
  }

  @Test
  void theWarmUpRunAndItsKernelsAreLeftOut(@TempDir Path dir) throws Exception {
    Path trace = dir.resolve("trace.json");
    // two runs listed out of time order: the earlier one (ts 100) is the warm-up
    Files.writeString(trace, """
        [{"cat":"Session","name":"model_run","ts":1000,"dur":300},
         {"cat":"Session","name":"model_run","ts":100,"dur":900},
         {"cat":"Node","name":"conv_kernel_time","ts":150,"dur":500,"args":{"op_name":"Conv"}},
         {"cat":"Node","name":"lanterne/Mul_1_kernel_time","ts":700,"dur":250,"args":{"op_name":"Mul"}},
         {"cat":"Node","name":"conv_kernel_time","ts":1010,"dur":100,"args":{"op_name":"Conv"}},
         {"cat":"Node","name":"lanterne/Mul_1_kernel_time","ts":1150,"dur":40,"args":{"op_name":"Mul"}}]
        """);
    OrtProfile profile = OrtProfile.read(trace, forward -> forward.equals("conv"), 1, 1);
    assertEquals(0.1, profile.partMs("forward"), 1e-9);
    assertEquals(0.04, profile.partMs("backward"), 1e-9);
    OrtProfile all = OrtProfile.read(trace, forward -> forward.equals("conv"), 2, 0);
    assertEquals(0.3, all.partMs("forward"), 1e-9);
  }
}
