package dev.lanterne.lab;

import dev.lanterne.explain.Explanation;
import dev.lanterne.explain.gradient.CamMethod;
import dev.lanterne.explain.gradient.GradCam;
import dev.lanterne.explain.gradient.GradCamPlusPlus;
import dev.lanterne.explain.gradient.GuidedGradCam;
import dev.lanterne.explain.gradient.IntegratedGradients;
import dev.lanterne.image.Normalization;
import dev.lanterne.explain.gradient.Saliency;
import dev.lanterne.explain.gradient.Scoring;
import dev.lanterne.explain.gradient.SmoothGrad;
import dev.lanterne.explain.perturbation.BlackBox;
import dev.lanterne.explain.perturbation.Occlusion;
import dev.lanterne.explain.perturbation.OcclusionOptions;
import dev.lanterne.explain.perturbation.ProgressListener;
import dev.lanterne.explain.perturbation.Rise;
import dev.lanterne.explain.perturbation.RiseOptions;
import dev.lanterne.explain.inversion.HighFrequencyEnergy;
import dev.lanterne.grad.GradientCompiler;
import dev.lanterne.metrics.Evaluation;
import dev.lanterne.model.ModelCard;
import dev.lanterne.runtime.CamModel;
import dev.lanterne.runtime.Classifier;
import dev.lanterne.grad.GradCamSession;
import dev.lanterne.runtime.GradientModel;
import dev.lanterne.grad.SaliencySession;
import java.util.List;

/**
 * The explanation methods of the lab as {@link Evaluation.MethodFactory}s on one lab model: each
 * opens its sessions on the model it is given (the original, or a randomised copy for the sanity
 * check). The metrics branch's registry holds only the perturbation methods and baselines (and
 * reads its settings from a command line), so the gradient methods are adapted here.
 */
final class LabMethods {
  /** A named method with its settings, ready to open on a model. */
  record Method(String name, Evaluation.MethodFactory factory) {}

  private final LabModel model;
  private final GradientGraphs graphs;
  private final Scoring scoring;
  private final Normalization normalization;

  LabMethods(LabModel model, GradientGraphs graphs) {
    this.model = model;
    this.graphs = graphs;
    this.scoring = Scoring.of(model.card(), model.labels());
    this.normalization = Normalization.of(model.card());
  }

  Method saliency() {
    return new Method("saliency", proto -> {
      GradientModel g = new SaliencySession(graphs.standard(proto).saliency(), model.runtime());
      Saliency s = new Saliency(g, scoring);
      return method(g::close, (x, c) -> s.explain(x, 1, new int[][] {c}, Saliency.Options.DEFAULT));
    });
  }

  Method smoothGrad(int samples, double noise, long seed) {
    SmoothGrad.Options o = SmoothGrad.Options.defaults(normalization).withSamples(samples).withNoiseLevel(noise)
        .withSeed(seed);
    return new Method("smoothgrad", proto -> {
      GradientModel g = new SaliencySession(graphs.standard(proto).saliency(), model.runtime());
      SmoothGrad s = new SmoothGrad(g, scoring);
      return method(g::close, (x, c) -> s.explain(x, 1, new int[][] {c}, o));
    });
  }

  Method integratedGradients(int steps) {
    IntegratedGradients.Options o = IntegratedGradients.Options.defaults(normalization).withSteps(steps);
    return new Method("integrated-gradients", proto -> {
      GradientModel g = new SaliencySession(graphs.standard(proto).saliency(), model.runtime());
      IntegratedGradients ig = new IntegratedGradients(g, scoring);
      return method(g::close, (x, c) -> ig.explain(x, 1, new int[][] {c}, o));
    });
  }

  Method gradCam() {
    return new Method("gradcam", proto -> {
      CamModel cam = camSession(proto);
      GradCam m = new GradCam(cam, scoring);
      return method(cam::close, (x, c) -> m.explain(x, 1, new int[][] {c}, CamMethod.Options.DEFAULT));
    });
  }

  Method gradCamPlusPlus() {
    return new Method("gradcam++", proto -> {
      CamModel cam = camSession(proto);
      GradCamPlusPlus m = new GradCamPlusPlus(cam, scoring);
      return method(cam::close, (x, c) -> m.explain(x, 1, new int[][] {c}, CamMethod.Options.DEFAULT));
    });
  }

  Method guidedGradCam() {
    return new Method("guided-gradcam", proto -> {
      CamModel cam = camSession(proto);
      GradientModel guided = new SaliencySession(graphs.guided(proto), model.runtime());
      GuidedGradCam m = new GuidedGradCam(cam, guided, scoring);
      return method(() -> {
        cam.close();
        guided.close();
      }, (x, c) -> m.explain(x, 1, new int[][] {c}, CamMethod.Options.DEFAULT));
    });
  }

  Method rise(RiseOptions options) {
    Rise rise = new Rise(options.withBatch(model.runtime().maxBatch()));
    return blackBox(Rise.METHOD, (box, pixels, c) -> rise.explain(box, pixels, c, 0, ProgressListener.NONE));
  }

  Method occlusion(OcclusionOptions options) {
    Occlusion occ = new Occlusion(options.withBatch(model.runtime().maxBatch()));
    return blackBox(Occlusion.METHOD, (box, pixels, c) -> occ.explain(box, pixels, c, 0, ProgressListener.NONE));
  }

  private CamModel camSession(dev.lanterne.onnx.proto.Onnx.ModelProto proto) {
    GradientCompiler.Graphs g = graphs.standard(proto);
    return new GradCamSession(g.gradcam(), g.layer(), model.runtime());
  }

  /** Explains one normalised image for some classes. */
  private interface Explainer {
    List<Explanation> explain(float[] image, int[] classes);
  }

  private interface PixelExplainer {
    List<Explanation> explain(BlackBox box, float[] pixels, int[] classes);
  }

  /** Something to release that throws nothing. */
  private interface Resource {
    void close();
  }

  private static Evaluation.Method method(Resource resource, Explainer explainer) {
    return new Evaluation.Method() {
      @Override
      public List<Explanation> explain(float[] image, int[] classes, int imageIndex) {
        return explainer.explain(image, classes);
      }

      @Override
      public void close() {
        resource.close();
      }
    };
  }

  /** A perturbation method: a classifier on the (possibly randomised) model, fed pixels in [0,1]. */
  private Method blackBox(String name, PixelExplainer explainer) {
    ModelCard card = model.card();
    return new Method(name, proto -> {
      Classifier c = proto == model.proto() ? null : Classifier.open(proto.toByteArray(), model.name(),
          model.runtime());
      BlackBox box = BlackBox.of(c == null ? model.classifier() : c, card, model.labels());
      return method(() -> {
        if (c != null) {
          c.close();
        }
      }, (x, classes) -> explainer.explain(box, HighFrequencyEnergy.toPixels(x, card.mean(), card.std()), classes));
    });
  }
}
