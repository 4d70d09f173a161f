package dev.lanterne.explain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanterne.LanterneException;
import dev.lanterne.explain.gradient.GradCam;
import dev.lanterne.explain.gradient.Saliency;
import dev.lanterne.explain.perturbation.Rise;
import dev.lanterne.explain.perturbation.RiseOptions;
import dev.lanterne.demo.ShapeSample;
import dev.lanterne.demo.Shapes;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The library's front door on the bundled demo model: one model object, one call for every method. */
class LanternModelTest {
  @Test
  void everyMethodIsCalledTheSameWayAndAgreesWithTheModel() {
    try (LanternModel model = LanternModel.demo()) {
      Images images = model.images(new Shapes().samples(11L, 3).stream().map(ShapeSample::image)
          .toArray(java.awt.image.BufferedImage[]::new));
      List<List<Prediction>> top = model.classify(images, 2);
      assertEquals(3, top.size());
      float[] scores = model.scores(images.tensor(), images.size());
      for (int i = 0; i < 3; i++) {
        Prediction p = top.get(i).get(0);
        // the top class is the arg-max of the raw scores, and its probability the softmax at that class
        int argmax = Target.topK(scores, i * model.numClasses(), model.numClasses(), 1)[0];
        assertEquals(argmax, p.classIndex());
        assertEquals(scores[i * model.numClasses() + argmax], p.score(), 0f);
        assertTrue(p.probability() >= top.get(i).get(1).probability());
      }
      List<Attribution> methods = List.of(new Saliency(model), new GradCam(model),
          new Rise(model, RiseOptions.DEFAULTS.withMasks(200).withGrid(4)),
          new NoiseTunnel(new Saliency(model), NoiseTunnel.Options.DEFAULT.withSamples(4)));
      for (Attribution m : methods) {
        List<Explanation> maps = m.attribute(images, Target.predicted());
        assertEquals(3, maps.size(), m.name());
        for (int i = 0; i < 3; i++) {
          Explanation e = maps.get(i);
          assertEquals(i, e.image());
          assertEquals(top.get(i).get(0).classIndex(), e.classIndex(), m.name());
          assertArrayEquals(new int[] {model.inputShape()[1], model.inputShape()[2]}, e.map().shape());
          // every method reports the clean image's score of the class it explains
          assertEquals(scores[i * model.numClasses() + e.classIndex()], e.score(), 1e-3f, m.name());
        }
      }
    }
  }

  @Test
  void noiseTunnelWithZeroNoiseIsTheWrappedMethod() {
    try (LanternModel model = LanternModel.demo()) {
      Images images = model.images(new Shapes().sample(5L).image());
      Explanation plain = new Saliency(model).attribute(images, Target.predicted()).get(0);
      Explanation tunnel = new NoiseTunnel(new Saliency(model), NoiseTunnel.Options.DEFAULT.withSamples(3)
          .withNoiseLevel(0)).attribute(images, Target.predicted()).get(0);
      assertArrayEquals(plain.map().data(), tunnel.map().data(), 1e-6f);
      // VarGrad of identical maps is zero everywhere
      Explanation var = new NoiseTunnel(new Saliency(model), NoiseTunnel.Options.DEFAULT.withSamples(3)
          .withNoiseLevel(0).withAggregation(NoiseTunnel.Aggregation.VARGRAD)).attribute(images, Target.predicted())
          .get(0);
      for (float v : var.map().data()) {
        assertEquals(0f, v, 1e-9f);
      }
    }
  }

  @Test
  void targetsByLabelTopKAndRangeErrors() {
    try (LanternModel model = LanternModel.demo()) {
      Images images = model.images(new Shapes().samples(3L, 2).stream().map(ShapeSample::image)
          .toArray(java.awt.image.BufferedImage[]::new));
      String label = model.labels().get(1);
      assertArrayEquals(new int[] {1}, Target.labels(label).resolve(model, images)[0]);
      assertArrayEquals(new int[] {1}, Target.parse(List.of(label.toUpperCase())).resolve(model, images)[1]);
      assertEquals(3, Target.parse(List.of("top3")).resolve(model, images)[0].length);
      LanterneException e = assertThrows(LanterneException.class,
          () -> Target.classes(model.numClasses()).resolve(model, images));
      assertEquals(LanterneException.USAGE, e.exitCode());
      LanterneException typo = assertThrows(LanterneException.class,
          () -> Target.labels(label + "x").resolve(model, images));
      assertTrue(typo.getMessage().contains("did you mean 1 '" + label + "'"), typo.getMessage());
    }
  }

  @Test
  void closeIsIdempotentAndLaterCallsFailClearly() {
    LanternModel model = LanternModel.demo();
    model.close();
    model.close();
    assertThrows(IllegalStateException.class, () -> model.scores(new float[0], 0));
  }
}
