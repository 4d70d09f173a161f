package dev.lanterne.explain.gradient;

import dev.lanterne.explain.Explanation;
import dev.lanterne.grad.GradientCompiler;
import dev.lanterne.grad.GradientOptions;
import dev.lanterne.onnx.OnnxModels;
import dev.lanterne.runtime.CamModel;
import dev.lanterne.grad.GradCamSession;
import dev.lanterne.runtime.RuntimeOptions;
import dev.lanterne.tensor.Tensor;
import dev.lanterne.testing.SharedData;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * End to end against PyTorch: HiResCAM, LayerCAM and XGrad-CAM from ResNet18's compiled Grad-CAM
 * graph match the same rules written out here on PyTorch's activation and gradient
 * ({@code ../shared/refs/resnet18_act.npy}, {@code _actgrad.npy}), Pearson above 0.999 as the refs say.
 */
class CamFamilyReferenceTest {
  private interface Rule {
    /** The map at one position from channel values a[k] and gradients g[k]. */
    double at(double[] a, double[] g);
  }

  @Test
  void elementWiseAndXGradCamsMatchPyTorchTensors() {
    ReferenceModels ref = new ReferenceModels("resnet18");
    int[][] classes = {{ref.targets[0]}, {ref.targets[1]}};
    GradientCompiler.Graphs graphs = GradientCompiler.compile(OnnxModels.load(SharedData.torchvision("resnet18")),
        GradientOptions.DEFAULT);
    Rule hires = (a, g) -> {
      double s = 0;
      for (int k = 0; k < a.length; k++) {
        s += a[k] * g[k];
      }
      return s;
    };
    Rule layer = (a, g) -> {
      double s = 0;
      for (int k = 0; k < a.length; k++) {
        s += a[k] * Math.max(g[k], 0);
      }
      return s;
    };
    try (CamModel cam = new GradCamSession(graphs.gradcam(), graphs.layer(), RuntimeOptions.DEFAULT)) {
      float[] x = ref.input.data();
      ReferenceArithmeticTest.assertMatches(new HiResCam(cam, Scoring.LOGITS).explain(x, 2, classes,
          CamMethod.Options.DEFAULT), expected(ref, hires, false), "HiResCAM");
      ReferenceArithmeticTest.assertMatches(new LayerCam(cam, Scoring.LOGITS).explain(x, 2, classes,
          CamMethod.Options.DEFAULT), expected(ref, layer, false), "LayerCAM");
      List<Explanation> xgrad = new XGradCam(cam, Scoring.LOGITS).explain(x, 2, classes, CamMethod.Options.DEFAULT);
      ReferenceArithmeticTest.assertMatches(xgrad, expected(ref, hires, true), "XGrad-CAM");
    }
  }

  /**
   * The rule on PyTorch's tensors, ReLU'd, upsampled to 224 and min-max normalised, [2,224,224]. With
   * {@code xgrad}, the gradients are first replaced by XGrad-CAM's per-channel weights
   * sum(A g) / sum(A).
   */
  private static Tensor expected(ReferenceModels ref, Rule rule, boolean xgrad) {
    int[] s = ref.act.shape();
    int channels = s[1];
    int plane = s[2] * s[3];
    float[] out = new float[2 * 224 * 224];
    for (int i = 0; i < 2; i++) {
      float[] a = ref.act.data();
      float[] g = ref.actGrad.data();
      int off = i * channels * plane;
      double[] weight = new double[channels];
      for (int k = 0; k < channels; k++) {
        double sa = 0;
        double sag = 0;
        for (int p = 0; p < plane; p++) {
          sa += a[off + k * plane + p];
          sag += a[off + k * plane + p] * g[off + k * plane + p];
        }
        weight[k] = sa == 0 ? 0 : sag / sa;
      }
      float[] low = new float[plane];
      for (int p = 0; p < plane; p++) {
        double[] av = new double[channels];
        double[] gv = new double[channels];
        for (int k = 0; k < channels; k++) {
          av[k] = a[off + k * plane + p];
          gv[k] = xgrad ? weight[k] : g[off + k * plane + p];
        }
        low[p] = (float) Math.max(0, rule.at(av, gv));
      }
      float[] up = Bilinear.resize(low, s[2], s[3], 224, 224);
      double[] norm = MapStats.minMax(up, 0, up.length);
      for (int p = 0; p < norm.length; p++) {
        out[i * 224 * 224 + p] = (float) norm[p];
      }
    }
    return new Tensor(out, new int[] {2, 224, 224});
  }
}
