package dev.lanterne.explain.gradient;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.lanterne.explain.Attribution;
import dev.lanterne.explain.Explanation;
import dev.lanterne.explain.Images;
import dev.lanterne.explain.LanternModel;
import dev.lanterne.explain.NoiseTunnel;
import dev.lanterne.grad.Variant;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gradient family as methods, on the hand-built channel model (y0 = 4 mean(ReLU(x0))): every
 * path from black to the image is linear there, so DeepLift, LRP and GradientSHAP from black all
 * equal 0.25 x0 (summing to y0 = 2); and NoiseTunnel with zero noise returns each new method's map.
 */
class GradientFamilyTest {
  @TempDir
  Path dir;

  @Test
  void deepLiftLrpAndGradientShapFromBlackGiveTheClosedForm() {
    try (LanternModel model = ChannelModel.open(dir, false)) {
      Images images = ChannelModel.images(model);
      int[][] cls = {{0}};
      float[] expected = ChannelModel.halves(0.25f, 0);
      Explanation deepLift = new DeepLift(model).attribute(images, cls).get(0);
      assertArrayEquals(expected, deepLift.map().data(), 1e-6f);
      assertEquals(0, (double) deepLift.details().get("completenessGap"), 1e-5);
      assertEquals(2, (double) deepLift.details().get("scoreDifference"), 1e-6);

      Explanation lrp = new Saliency(model, Saliency.Options.DEFAULT.withVariant(Variant.LRP_EPSILON)
          .withReduce(ChannelReduction.SUM)).attribute(images, cls).get(0);
      assertEquals("lrp-epsilon", lrp.method());
      assertArrayEquals(expected, lrp.map().data(), 1e-6f);

      GradientShap.Options black = GradientShap.Options.defaults(model.normalization()).withSamples(7)
          .withBaselines(List.of(Baseline.BLACK));
      Explanation shap = new GradientShap(model, black).attribute(images, cls).get(0);
      assertArrayEquals(expected, shap.map().data(), 1e-6f);
      assertEquals(2f, shap.score(), 0f);
    }
  }

  @Test
  void gradientShapIsSeeded() {
    try (LanternModel model = ChannelModel.open(dir, false)) {
      Images images = ChannelModel.images(model);
      GradientShap.Options o = GradientShap.Options.defaults(model.normalization()).withSamples(5).withStdev(0.1);
      float[] a = new GradientShap(model, o.withSeed(1)).attribute(images, new int[][] {{0}}).get(0).map().data();
      float[] b = new GradientShap(model, o.withSeed(1)).attribute(images, new int[][] {{0}}).get(0).map().data();
      float[] c = new GradientShap(model, o.withSeed(2)).attribute(images, new int[][] {{0}}).get(0).map().data();
      assertArrayEquals(a, b, 0f);
      assertFalse(Arrays.equals(a, c));
    }
  }

  @Test
  void visualisationVariantsAreNamedMethods() {
    try (LanternModel model = ChannelModel.open(dir, false)) {
      Images images = ChannelModel.images(model);
      for (Variant v : new Variant[] {Variant.GUIDED, Variant.DECONVNET}) {
        Saliency s = new Saliency(model, Saliency.Options.DEFAULT.withVariant(v).withSigned(true)
            .withReduce(ChannelReduction.SUM));
        Explanation e = s.attribute(images, new int[][] {{1}}).get(0);
        assertEquals(v == Variant.GUIDED ? "guided-backprop" : "deconvnet", e.method());
        float[] g = model.saliencyGraph(v).gradient(images.tensor(), 1, new float[] {0, 1}).inputGradient();
        assertArrayEquals(g, e.raw().data(), 0f);
      }
    }
  }

  @Test
  void noiseTunnelWithoutNoiseReturnsEachNewMethodsMap() {
    try (LanternModel model = ChannelModel.open(dir, false)) {
      Images images = ChannelModel.images(model);
      NoiseTunnel.Options quiet = NoiseTunnel.Options.DEFAULT.withSamples(2).withNoiseLevel(0);
      // GradientSHAP from black only: its samples differ per noisy copy, its result does not
      List<Attribution> methods = List.of(new DeepLift(model), new GradientShap(model,
          GradientShap.Options.defaults(model.normalization()).withSamples(3).withBaselines(List.of(Baseline.BLACK))),
          new ScoreCam(model),
          new AblationCam(model), new HiResCam(model), new EigenCam(model),
          new Saliency(model, Saliency.Options.DEFAULT.withVariant(Variant.LRP_ZPLUS)));
      for (Attribution m : methods) {
        float[] plain = m.attribute(images, new int[][] {{0}}).get(0).map().data();
        List<Explanation> tunnel = new NoiseTunnel(m, quiet).attribute(images, new int[][] {{0}});
        assertEquals(m.name() + "+smoothgrad", tunnel.get(0).method());
        assertArrayEquals(plain, tunnel.get(0).map().data(), 1e-6f, m.name());
      }
    }
  }

  /** SmoothGrad's scores are the clean image's, taken from the model's plain forward, bit for bit. */
  @Test
  void smoothGradReportsTheCleanImagesScoreFromThePlainForward() {
    try (LanternModel model = ChannelModel.open(dir, false)) {
      Images images = ChannelModel.images(model);
      float[] plain = model.scores(images.tensor(), images.size());
      SmoothGrad.Options noisy = SmoothGrad.Options.defaults(model.normalization()).withSamples(4).withNoiseLevel(0.5);
      List<Explanation> e = new SmoothGrad(model, noisy).attribute(images, new int[][] {{0, 1}});
      assertEquals(plain[0], e.get(0).score(), 0f);
      assertEquals(plain[1], e.get(1).score(), 0f);
      // closed form: each class averages a half-lit channel, 4 * 0.5 = 2 (a noisy copy scores otherwise)
      assertEquals(2f, e.get(0).score(), 1e-6f);
      assertEquals(2f, e.get(1).score(), 1e-6f);
    }
  }
}
