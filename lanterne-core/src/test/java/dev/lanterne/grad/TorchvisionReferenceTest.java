package dev.lanterne.grad;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lanterne.onnx.OnnxModels;
import dev.lanterne.onnx.proto.Onnx;
import dev.lanterne.runtime.CamModel;
import dev.lanterne.grad.GradCamSession;
import dev.lanterne.runtime.GradientModel;
import dev.lanterne.runtime.RuntimeOptions;
import dev.lanterne.grad.SaliencySession;
import dev.lanterne.tensor.Npy;
import dev.lanterne.tensor.Tensor;
import dev.lanterne.testing.SharedData;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The derived graphs against PyTorch autograd (../shared/refs): logits, input gradients, and the
 * Grad-CAM layer's activation and gradient, by relative L2 within max(1e-4, 4 x the reference's own
 * float32-vs-float64 discrepancy).
 */
class TorchvisionReferenceTest {
  @ParameterizedTest
  @ValueSource(strings = {"resnet18", "squeezenet1_1", "mobilenet_v3_small"})
  void matchesPytorch(String name) throws Exception {
    Path modelFile = SharedData.torchvision(name);
    JsonNode meta = new ObjectMapper().readTree(SharedData.ref("refs_meta.json").toFile()).get("models").get(name);
    double tol = Math.max(1e-4, 4 * meta.get("grad_fp32_vs_fp64_rel_l2").asDouble());
    Tensor x = Npy.read(SharedData.ref(name + "_input.npy"));
    Tensor targets = Npy.read(SharedData.ref(name + "_targets.npy"));
    int n = x.dim(0);
    int k = 1000;
    float[] seed = new float[n * k];
    for (int i = 0; i < n; i++) {
      seed[i * k + (int) targets.data()[i]] = 1f;
    }
    Onnx.ModelProto model = OnnxModels.load(modelFile);
    GradientCompiler.Graphs graphs = GradientCompiler.compile(model, GradientOptions.DEFAULT);
    RuntimeOptions opts = RuntimeOptions.DEFAULT;
    try (GradientModel sal = new SaliencySession(graphs.saliency(), opts);
        CamModel cam = new GradCamSession(graphs.gradcam(), graphs.layer(), opts)) {
      GradientModel.Result r = sal.gradient(x.data(), n, seed);
      double logitErr = Errors.relL2(r.scores(), Npy.read(SharedData.ref(name + "_logits.npy")).data());
      double gradErr = Errors.relL2(r.inputGradient(), Npy.read(SharedData.ref(name + "_grad.npy")).data());
      CamModel.Result c = cam.run(x.data(), n, seed);
      Tensor act = Npy.read(SharedData.ref(name + "_act.npy"));
      double actErr = Errors.relL2(c.activation(), act.data());
      double actGradErr = Errors.relL2(c.activationGradient(), Npy.read(SharedData.ref(name + "_actgrad.npy")).data());
      System.out.printf("%s layer=%s logits %.2e grad %.2e act %.2e actgrad %.2e (tol %.2e)%n", name,
          graphs.layer(), logitErr, gradErr, actErr, actGradErr, tol);
      assertEquals(act.shape()[1], c.activationShape()[1], "activation channels");
      assertTrue(logitErr < 1e-4, "logits rel L2 " + logitErr);
      assertTrue(gradErr <= tol, "input gradient rel L2 " + gradErr + " > " + tol);
      assertTrue(actErr <= tol, "activation rel L2 " + actErr + " > " + tol);
      assertTrue(actGradErr <= tol, "activation gradient rel L2 " + actGradErr + " > " + tol);
    }
  }
}
