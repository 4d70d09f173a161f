package dev.lanterne.explain.gradient;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanterne.explain.Explanation;
import dev.lanterne.grad.GradientCompiler;
import dev.lanterne.grad.GradientOptions;
import dev.lanterne.onnx.OnnxModels;
import dev.lanterne.runtime.CamModel;
import dev.lanterne.grad.GradCamSession;
import dev.lanterne.runtime.RuntimeOptions;
import dev.lanterne.tensor.Npy;
import dev.lanterne.tensor.Tensor;
import dev.lanterne.testing.SharedData;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Grad-CAM at the default layer of the zoo's modern architectures (../shared/models/zoo) against
 * PyTorch: the activation and its gradient equal the reference layer's (relative L2 within 1e-4; for
 * ViT the token layer with the class token dropped and the patches reshaped, tokens_*.npy), and the
 * maps correlate above 0.999 with cam.npy (tokens_cam.npy).
 */
class ZooGradCamTest {
  @ParameterizedTest
  @ValueSource(strings = {"convnext_small_cfg_op13", "convnext_small_cfg_op17", "swin_tiny_op13", "swin_tiny_op17",
      "vit_tiny_op13", "vit_tiny_op17"})
  void defaultLayerMatchesPyTorch(String file) {
    String name = file.substring(0, file.lastIndexOf("_op"));
    String prefix = name.equals("vit_tiny") ? "tokens_" : "";
    Path refs = SharedData.ref("zoo").resolve(name);
    Tensor input = Npy.read(refs.resolve("input.npy"));
    Tensor targets = Npy.read(refs.resolve("targets.npy"));
    int n = input.dim(0);
    int[][] classes = new int[n][];
    float[] seed = new float[n * 1000];
    for (int i = 0; i < n; i++) {
      classes[i] = new int[] {(int) targets.data()[i]};
      seed[i * 1000 + classes[i][0]] = 1f;
    }
    GradientCompiler.Graphs graphs = GradientCompiler.compile(
        OnnxModels.load(SharedData.model("zoo/" + file + ".onnx")), GradientOptions.DEFAULT);
    try (CamModel cam = new GradCamSession(graphs.gradcam(), graphs.layer(), RuntimeOptions.DEFAULT)) {
      CamModel.Result r = cam.run(input.data(), n, seed);
      Tensor act = Npy.read(refs.resolve(prefix + "act.npy"));
      assertArrayEquals(act.shape(), r.activationShape(), file + " layer " + graphs.layer() + " shape");
      double actErr = relL2(r.activation(), act.data());
      double gradErr = relL2(r.activationGradient(), Npy.read(refs.resolve(prefix + "actgrad.npy")).data());
      System.out.printf("%s default layer %s: activation rel L2 %.2e, gradient %.2e%n", file, graphs.layer(),
          actErr, gradErr);
      assertTrue(actErr < 1e-4, file + " activation rel L2 " + actErr);
      assertTrue(gradErr < 1e-4, file + " activation gradient rel L2 " + gradErr);
      List<Explanation> maps = new GradCam(cam, Scoring.LOGITS).explain(input.data(), n, classes,
          CamMethod.Options.DEFAULT);
      Tensor ref = Npy.read(refs.resolve(prefix + "cam.npy"));
      int plane = ref.sliceSize();
      for (int i = 0; i < n; i++) {
        System.out.printf("%s image %d: Grad-CAM Pearson %.8f with %scam.npy%n", file, i, MapStats.pearson(
            MapStats.minMax(maps.get(i).map().data(), 0, plane), MapStats.toDouble(ref.data(), i * plane, plane)),
            prefix);
      }
      ReferenceArithmeticTest.assertMatches(maps, ref, file + " Grad-CAM");
    }
  }

  private static double relL2(float[] a, float[] b) {
    assertTrue(a.length == b.length, "lengths " + a.length + " vs " + b.length);
    double num = 0;
    double den = 0;
    for (int i = 0; i < a.length; i++) {
      num += (a[i] - (double) b[i]) * (a[i] - (double) b[i]);
      den += (double) b[i] * b[i];
    }
    return Math.sqrt(num / den);
  }
}
