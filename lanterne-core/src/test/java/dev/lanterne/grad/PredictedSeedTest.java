package dev.lanterne.grad;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanterne.image.Preprocessor;
import dev.lanterne.model.ModelCard;
import dev.lanterne.onnx.OnnxModels;
import dev.lanterne.onnx.proto.Onnx;
import dev.lanterne.runtime.CamModel;
import dev.lanterne.runtime.Classifier;
import dev.lanterne.runtime.RuntimeOptions;
import dev.lanterne.testing.SharedData;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A Grad-CAM graph that takes its seed from its own scores finds the class the plain classifier
 * predicts (argmax of `classify`'s scores) and returns the same activation gradient as the graph
 * given that class's one-hot seed: checked on a fixed-batch model (opset 11) and a dynamic-batch one
 * (opset 13), on a photo and random inputs.
 */
class PredictedSeedTest {
  private static final RuntimeOptions OPTS = RuntimeOptions.DEFAULT.withThreads(2);

  @ParameterizedTest
  @ValueSource(strings = {"mobilenetv1-0.25-128.onnx", "torchvision/squeezenet1_1.onnx"})
  void findsThePredictedClassInTheSamePass(String name) {
    Path file = SharedData.model(name);
    Onnx.ModelProto model = OnnxModels.load(file);
    GradientCompiler.Graphs graphs = GradientCompiler.compile(model, GradientOptions.DEFAULT);
    assertTrue(PredictedSeed.applies(graphs.gradcam()));
    try (Classifier plain = Classifier.open(model.toByteArray(), name, OPTS);
        CamModel seeded = new GradCamSession(graphs.gradcam(), graphs.layer(), OPTS);
        CamModel predicted = new GradCamSession(PredictedSeed.apply(graphs.gradcam()), graphs.layer(), OPTS)) {
      int[] chw = plain.inputShape();
      int per = chw[0] * chw[1] * chw[2];
      int k = plain.numClasses();
      int n = 3;
      float[] x = new float[n * per];
      SplittableRandom rnd = new SplittableRandom(5);
      for (int i = 0; i < x.length; i++) {
        x[i] = (float) rnd.nextDouble(-1, 1);
      }
      float[] photo = Preprocessor.forCard(ModelCard.inception(chw[1], chw[2])).prepare(SharedData.image("parrot.jpg"))
          .tensor();
      System.arraycopy(photo, 0, x, 0, per);
      float[] scores = plain.run(x, n);
      int[] expected = new int[n];
      float[] seed = new float[n * k];
      for (int i = 0; i < n; i++) {
        for (int c = 1; c < k; c++) {
          if (scores[i * k + c] > scores[i * k + expected[i]]) {
            expected[i] = c; // the first maximum, as ONNX ArgMax
          }
        }
        seed[i * k + expected[i]] = 1f;
      }
      CamModel.Predicted p = predicted.runPredicted(x, n);
      assertArrayEquals(expected, p.classes(), name + ": the classes classify predicts");
      CamModel.Result r = seeded.run(x, n, seed);
      assertArrayEquals(r.scores(), p.result().scores(), name + ": scores");
      assertTrue(Errors.relL2(r.activation(), p.result().activation()) < 1e-6, name + ": activation");
      double gradError = Errors.relL2(r.activationGradient(), p.result().activationGradient());
      assertTrue(gradError < 1e-6, name + ": activation gradient differs by " + gradError);
    }
  }
}
