package dev.lanterne.grad;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lanterne.onnx.OnnxModels;
import dev.lanterne.onnx.proto.Onnx;
import dev.lanterne.runtime.GradientModel;
import dev.lanterne.runtime.RuntimeOptions;
import dev.lanterne.grad.SaliencySession;
import dev.lanterne.tensor.Npy;
import dev.lanterne.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Full-size torchvision architectures exported by {@code tools/reference_gradients.py} (not in CI: run
 * with {@code -Dlanterne.archs=archs}): the compiled saliency graph's input gradient against PyTorch
 * autograd, by relative L2 within max(1e-4, 4 x the float32-vs-float64 gap). Prints a table row per
 * model file (architecture, opset, compile seconds, derived graph size, error, tolerance).
 */
class ArchitectureReferenceTest {
  @Test
  void everyExportedArchitectureMatchesAutograd() throws IOException {
    String dir = System.getProperty("lanterne.archs");
    Assumptions.assumeTrue(dir != null, "set -Dlanterne.archs=DIR (see tools/reference_gradients.py)");
    Path root = Path.of(dir).toAbsolutePath();
    String only = System.getProperty("lanterne.archs.only", "");
    List<Path> files;
    try (Stream<Path> s = Files.list(root)) {
      files = s.filter(p -> p.toString().endsWith(".onnx") && p.getFileName().toString().contains(only)).sorted().toList();
    }
    List<String> failures = new ArrayList<>();
    for (Path f : files) {
      String file = f.getFileName().toString().replace(".onnx", "");
      Path refs = root.resolve(file.substring(0, file.lastIndexOf("_op")));
      String row;
      try {
        JsonNode meta = new ObjectMapper().readTree(refs.resolve("meta.json").toFile());
        double tol = meta.get("tolerance").asDouble();
        Tensor x = Npy.read(refs.resolve("input.npy"));
        Tensor targets = Npy.read(refs.resolve("targets.npy"));
        int n = x.dim(0);
        int k = 1000;
        float[] seed = new float[n * k];
        for (int i = 0; i < n; i++) {
          seed[i * k + (int) targets.data()[i]] = 1f;
        }
        Onnx.ModelProto model = OnnxModels.load(f);
        long t0 = System.nanoTime();
        Onnx.ModelProto saliency = GradientCompiler.compileSaliency(model, GradientOptions.DEFAULT);
        double seconds = (System.nanoTime() - t0) / 1e9;
        try (GradientModel sal = new SaliencySession(saliency, RuntimeOptions.DEFAULT)) {
          GradientModel.Result r = sal.gradient(x.data(), n, seed);
          double err = Errors.relL2(r.inputGradient(), Npy.read(refs.resolve("grad.npy")).data());
          double logitErr = Errors.relL2(r.scores(), Npy.read(refs.resolve("logits.npy")).data());
          Path g64 = refs.resolve("grad64.npy");
          String vs64 = Files.exists(g64) ? String.format(" | vs fp64 %.2e (torch fp32 vs fp64 %.2e)",
              Errors.relL2(r.inputGradient(), Npy.read(g64).data()), meta.get("grad_fp32_vs_fp64_rel_l2").asDouble())
              : "";
          row = String.format("%s | %d nodes -> %d | compile %.1f s | logits %.1e | rel L2 %.2e | tol %.2e%s | %s",
              file, model.getGraph().getNodeCount(), saliency.getGraph().getNodeCount(), seconds, logitErr, err, tol,
              vs64, err <= tol ? "ok" : "FAIL");
          if (!(err <= tol)) {
            failures.add(row);
          }
        }
      } catch (RuntimeException | IOException e) {
        row = file + " | error: " + e.getMessage();
        failures.add(row);
      }
      System.out.println("ARCH " + row);
    }
    assertTrue(failures.isEmpty(), String.join("\n", failures));
  }
}
