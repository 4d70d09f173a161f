package dev.lanterne.grad;

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
 * The architectures of ../shared/models/zoo (vision transformer, Swin, ConvNeXt; both opsets) against
 * PyTorch autograd (../shared/refs/zoo/NAME): the compiled input gradient by relative L2 within the
 * tolerance of meta.json, and Grad-CAM at the reference layer (meta.json cam_layer: the input of a
 * module ("pre") or its output ("post")) by its activation, activation gradient and map.
 */
class ZooReferenceTest {
  @ParameterizedTest
  @ValueSource(strings = {"vit_tiny_op13", "vit_tiny_op17", "swin_tiny_op13", "swin_tiny_op17",
      "convnext_small_cfg_op13", "convnext_small_cfg_op17"})
  void matchesPytorch(String file) throws Exception {
    String name = file.substring(0, file.lastIndexOf("_op"));
    Path refs = SharedData.ref("zoo").resolve(name);
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
    Onnx.ModelProto model = OnnxModels.load(SharedData.model("zoo/" + file + ".onnx"));
    String layer = referenceLayer(model.getGraph(), meta.get("cam_layer"));
    GradientCompiler.Graphs graphs = GradientCompiler.compile(model, GradientOptions.DEFAULT.withLayer(layer));
    RuntimeOptions opts = RuntimeOptions.DEFAULT;
    try (GradientModel sal = new SaliencySession(graphs.saliency(), opts);
        CamModel cam = new GradCamSession(graphs.gradcam(), graphs.layer(), opts)) {
      GradientModel.Result r = sal.gradient(x.data(), n, seed);
      double logitErr = Errors.relL2(r.scores(), Npy.read(refs.resolve("logits.npy")).data());
      double gradErr = Errors.relL2(r.inputGradient(), Npy.read(refs.resolve("grad.npy")).data());
      CamModel.Result c = cam.run(x.data(), n, seed);
      double actErr = Errors.relL2(c.activation(), Npy.read(refs.resolve("act.npy")).data());
      double actGradErr = Errors.relL2(c.activationGradient(), Npy.read(refs.resolve("actgrad.npy")).data());
      System.out.printf("%s layer=%s logits %.2e grad %.2e act %.2e actgrad %.2e (tol %.2e)%n", file, layer,
          logitErr, gradErr, actErr, actGradErr, tol);
      assertTrue(logitErr < 1e-4, "logits rel L2 " + logitErr);
      assertTrue(gradErr <= tol, "input gradient rel L2 " + gradErr + " > " + tol);
      assertTrue(actErr <= tol, "activation rel L2 " + actErr + " > " + tol);
      assertTrue(actGradErr <= tol, "activation gradient rel L2 " + actGradErr + " > " + tol);
    }
  }

  /** The tensor entering ("pre") or leaving ("post") the module named in meta.json, from node names. */
  static String referenceLayer(Onnx.GraphProto g, JsonNode camLayer) {
    String where = camLayer.get(0).asText();
    String prefix = "/" + camLayer.get(1).asText().replace('.', '/') + "/";
    String found = null;
    for (Onnx.NodeProto node : g.getNodeList()) {
      if (node.getName().startsWith(prefix) && !node.getOpType().equals("Constant")) {
        if (where.equals("pre")) {
          return node.getInput(0);
        }
        found = node.getOutput(0);
      }
    }
    if (found == null) {
      throw new AssertionError("no node of module " + prefix);
    }
    return found;
  }
}
