package dev.lanterne.explain.gradient;

import dev.lanterne.explain.Explanation;
import dev.lanterne.grad.GradientCompiler;
import dev.lanterne.grad.GradientOptions;
import dev.lanterne.onnx.OnnxModels;
import dev.lanterne.runtime.CamModel;
import dev.lanterne.grad.GradCamSession;
import dev.lanterne.runtime.GradientModel;
import dev.lanterne.runtime.RuntimeOptions;
import dev.lanterne.grad.SaliencySession;
import dev.lanterne.tensor.Npy;
import dev.lanterne.testing.SharedData;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * End to end: saliency and Grad-CAM maps from the compiled gradient graphs of the torchvision models
 * match PyTorch's maps (Pearson correlation above 0.999 after per-image min-max normalisation).
 */
class CompiledReferenceMapsTest {
  @ParameterizedTest
  @ValueSource(strings = {"resnet18", "squeezenet1_1", "mobilenet_v3_small"})
  void mapsMatchPyTorch(String model) {
    ReferenceModels ref = new ReferenceModels(model);
    int[][] classes = {{ref.targets[0]}, {ref.targets[1]}};
    GradientCompiler.Graphs graphs = GradientCompiler.compile(OnnxModels.load(SharedData.torchvision(model)),
        GradientOptions.DEFAULT);
    try (GradientModel saliency = new SaliencySession(graphs.saliency(), RuntimeOptions.DEFAULT);
        CamModel cam = new GradCamSession(graphs.gradcam(), graphs.layer(), RuntimeOptions.DEFAULT)) {
      List<Explanation> s = new Saliency(saliency, Scoring.LOGITS).explain(ref.input.data(), 2, classes,
          Saliency.Options.DEFAULT);
      ReferenceArithmeticTest.assertMatches(s, Npy.read(SharedData.ref(model + "_saliency.npy")),
          model + " compiled saliency");
      List<Explanation> c = new GradCam(cam, Scoring.LOGITS).explain(ref.input.data(), 2, classes,
          CamMethod.Options.DEFAULT);
      ReferenceArithmeticTest.assertMatches(c, Npy.read(SharedData.ref(model + "_cam.npy")),
          model + " compiled Grad-CAM");
    }
  }
}
