package dev.lanterne.explain.gradient;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanterne.explain.Explanation;
import dev.lanterne.grad.GradientCompiler;
import dev.lanterne.grad.GradientOptions;
import dev.lanterne.image.Preprocessor;
import dev.lanterne.onnx.OnnxModels;
import dev.lanterne.grad.GradCamSession;
import dev.lanterne.runtime.RuntimeOptions;
import dev.lanterne.model.ModelCard;
import dev.lanterne.runtime.CamModel;
import dev.lanterne.testing.SharedData;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * On the pretrained MobileNetV2, a picture with two objects (coffee.png above cat.png, composed
 * here) must give Grad-CAM maps that peak on the espresso cup for "espresso" and on the cat for
 * "Egyptian cat". The boxes were drawn by hand on the 224x224 image the model sees.
 */
class TwoObjectsTest {
  static final String MODEL = "mobilenetv2-1.0-224-qdq.onnx";
  static final int ESPRESSO = 967;
  static final int EGYPTIAN_CAT = 285;
  /** {x0, y0, x1, y1} exclusive ends, in the model's 224x224 input. */
  static final int[] CUP_BOX = {57, 0, 160, 109};
  static final int[] CAT_BOX = {16, 120, 209, 224};

  /** 448x448: coffee.png (rows 20-320) on top, cat.png (rows 37-262) below, both keeping their aspect. */
  static BufferedImage composite() throws IOException {
    BufferedImage coffee = ImageIO.read(SharedData.image("coffee.png").toFile());
    BufferedImage cat = ImageIO.read(SharedData.image("cat.png").toFile());
    BufferedImage out = new BufferedImage(448, 448, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
    g.drawImage(coffee, 0, 0, 448, 224, 0, 20, 600, 320, null);
    g.drawImage(cat, 0, 224, 448, 448, 0, 37, 451, 262, null);
    g.dispose();
    return out;
  }

  static float[] input() throws IOException {
    return Preprocessor.forCard(ModelCard.inception(224, 224)).prepare(composite()).tensor();
  }

  /** Grad-CAM with the head-weight reference model, independent of the gradient compiler. */
  @Test
  void gradCamPeaksOnEachObjectWithLinearHeadReference() throws IOException {
    String a = "TFLITE2ONNX_Quant_MobilenetV2/Conv_1/Relu6;MobilenetV2/Conv_1/add_fold;"
        + "MobilenetV2/Conv_1/Conv2D_Fold;MobilenetV2/Conv_1/BatchNorm_Fold/bias_dequantized";
    String w = "TFLITE2ONNX_Quant_MobilenetV2/Logits/Conv2d_1c_1x1/Conv2D;"
        + "MobilenetV2/Logits/Conv2d_1c_1x1/weights_quant/FakeQuantWithMinMaxVars_dequantized";
    try (CamModel cam = new LinearHeadCam(SharedData.model(MODEL), a, w, 1, 1000)) {
      assertPeaksInBoxes(cam);
    }
  }

  /** Grad-CAM from the compiled Grad-CAM graph at its automatically chosen layer. */
  @Test
  void gradCamPeaksOnEachObjectWithCompiledGraph() throws IOException {
    GradientCompiler.Graphs graphs = GradientCompiler.compile(OnnxModels.load(SharedData.model(MODEL)),
        GradientOptions.DEFAULT);
    try (CamModel cam = new GradCamSession(graphs.gradcam(), graphs.layer(), RuntimeOptions.DEFAULT)) {
      assertPeaksInBoxes(cam);
    }
  }

  static void assertPeaksInBoxes(CamModel cam) throws IOException {
    List<Explanation> maps = new GradCam(cam, Scoring.LOGITS)
        .explain(input(), 1, new int[][] {{ESPRESSO, EGYPTIAN_CAT}}, CamMethod.Options.DEFAULT);
    assertPeakIn(maps.get(0), CUP_BOX, "espresso");
    assertPeakIn(maps.get(1), CAT_BOX, "Egyptian cat");
  }

  static void assertPeakIn(Explanation e, int[] box, String what) {
    float[] m = e.map().data();
    int w = e.width();
    int best = 0;
    for (int i = 1; i < m.length; i++) {
      if (m[i] > m[best]) {
        best = i;
      }
    }
    int x = best % w;
    int y = best / w;
    System.out.printf("two objects: %s (score %.3f) peaks at x=%d y=%d%n", what, e.score(), x, y);
    assertTrue(x >= box[0] && x < box[2] && y >= box[1] && y < box[3],
        what + " Grad-CAM peaks at (" + x + "," + y + "), outside its box " + java.util.Arrays.toString(box));
  }
}
