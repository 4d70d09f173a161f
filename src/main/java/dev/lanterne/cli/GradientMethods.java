package dev.lanterne.cli;

import dev.lanterne.explain.Explanation;
import dev.lanterne.explain.attention.AttentionRollout;
import dev.lanterne.explain.gradient.CamMethod;
import dev.lanterne.explain.gradient.GradCam;
import dev.lanterne.explain.gradient.GradCamPlusPlus;
import dev.lanterne.explain.gradient.GuidedGradCam;
import dev.lanterne.image.Normalization;
import dev.lanterne.explain.gradient.Scoring;
import dev.lanterne.grad.GradientCompiler;
import dev.lanterne.grad.GradientOptions;
import dev.lanterne.grad.Gradients;
import dev.lanterne.grad.Variant;
import dev.lanterne.metrics.Evaluation;
import dev.lanterne.onnx.proto.Onnx;
import dev.lanterne.runtime.AttentionModel;
import dev.lanterne.runtime.CamModel;
import dev.lanterne.runtime.GradCamSession;
import dev.lanterne.runtime.GradientModel;
import dev.lanterne.runtime.SaliencySession;
import java.util.List;
import org.apache.commons.cli.Options;

/**
 * The gradient methods as {@link MethodRegistry} entries, with the saliency and gradcam commands'
 * own flags. The original model's graphs come from the graph cache; randomised copies (the sanity
 * check) are compiled in memory and never cached.
 */
final class GradientMethods {
  private GradientMethods() {}

  /** saliency, smoothgrad, squared, vargrad, integrated: one input-gradient graph each. */
  static MethodRegistry.Entry inputGradient(String name, String commandMethod, String summary) {
    return new MethodRegistry.Entry(name, summary, GradientCommandSupport::noiseAndPathFlags, (ctx, chw) -> model -> {
      GradientModel grad = saliencySession(ctx, model, GradientOptions.DEFAULT);
      return new Evaluation.Method() {
        @Override
        public List<Explanation> explain(float[] image, int[] classes, int imageIndex) {
          return SaliencyCommand.explain(ctx.cl(), job(ctx, image), grad, commandMethod, new int[][] {classes});
        }

        @Override
        public void close() {
          grad.close();
        }
      };
    });
  }

  /** gradcam, gradcam++, guided-gradcam at --layer (default: the one feeding the last global pooling). */
  static MethodRegistry.Entry cam(String name, String summary) {
    return new MethodRegistry.Entry(name, summary, GradientCommandSupport::layerFlag, (ctx, chw) -> model -> {
      GradientOptions opts = GradientOptions.DEFAULT.withLayer(ctx.cl().getOptionValue(GradientCommandSupport.LAYER));
      CamModel cam = camSession(ctx, model, opts);
      GradientModel guided = name.equals("guided-gradcam")
          ? saliencySession(ctx, model, opts.withVariant(Variant.GUIDED)) : null;
      Scoring scoring = Scoring.of(ctx.model().card(), ctx.model().labels());
      CamCall method = switch (name) {
        case "gradcam" -> new GradCam(cam, scoring)::explain;
        case "gradcam++" -> new GradCamPlusPlus(cam, scoring)::explain;
        case "guided-gradcam" -> new GuidedGradCam(cam, guided, scoring)::explain;
        default -> throw new IllegalArgumentException(name);
      };
      return new Evaluation.Method() {
        @Override
        public List<Explanation> explain(float[] image, int[] classes, int imageIndex) {
          return method.explain(image, 1, new int[][] {classes}, CamMethod.Options.DEFAULT);
        }

        @Override
        public void close() {
          cam.close();
          if (guided != null) {
            guided.close();
          }
        }
      };
    });
  }

  /** rollout, grad-rollout: the attention graph of a ViT-like model (compiled in memory each time). */
  static MethodRegistry.Entry rollout(String name, boolean gradientWeighted, String summary) {
    return new MethodRegistry.Entry(name, summary, RolloutCommand::headFusionFlag, (ctx, chw) -> model -> {
      AttentionRollout.Options options = RolloutCommand.options(ctx.cl(), gradientWeighted);
      AttentionModel attention = RolloutCommand.open(model, gradientWeighted, ctx.model().runtime());
      AttentionRollout method = new AttentionRollout(attention, Scoring.of(ctx.model().card(), ctx.model().labels()));
      return new Evaluation.Method() {
        @Override
        public List<Explanation> explain(float[] image, int[] classes, int imageIndex) {
          List<Explanation> out = method.explain(image, 1, new int[][] {classes}, options);
          return out.stream().map(e -> new Explanation(imageIndex, e.method(), e.classIndex(), e.label(), e.score(),
              e.probability(), e.map(), e.raw(), e.details())).toList();
        }

        @Override
        public void close() {
          attention.close();
        }
      };
    });
  }

  /** The explain call that Grad-CAM, Grad-CAM++ and guided Grad-CAM share. */
  private interface CamCall {
    List<Explanation> explain(float[] images, int n, int[][] classes, CamMethod.Options options);
  }

  static void addAll(MethodRegistry r) {
    r.add(inputGradient("saliency", "vanilla", "|gradient| of the class score (--reduce)"));
    r.add(inputGradient("smoothgrad", "smoothgrad", "SmoothGrad (--samples, --noise, --reduce)"));
    r.add(inputGradient("squared", "squared", "SmoothGrad squared (--samples, --noise)"));
    r.add(inputGradient("vargrad", "vargrad", "VarGrad (--samples, --noise)"));
    r.add(inputGradient("integrated", "integrated", "Integrated Gradients (--steps, --baseline)"));
    r.add(cam("gradcam", "Grad-CAM (--layer)"));
    r.add(cam("gradcam++", "Grad-CAM++ (--layer)"));
    r.add(cam("guided-gradcam", "guided backpropagation x Grad-CAM (--layer)"));
    r.add(rollout("rollout", false, "attention rollout of a ViT-like model (--head-fusion)"));
    r.add(rollout("grad-rollout", true, "gradient-weighted attention rollout of a ViT-like model"));
  }

  private static GradientModel saliencySession(MethodRegistry.Context ctx, Onnx.ModelProto model,
      GradientOptions opts) {
    if (model == ctx.original()) {
      return Gradients.saliency(model, opts, ctx.model().runtime());
    }
    return new SaliencySession(GradientCompiler.compileSaliency(model, opts), ctx.model().runtime());
  }

  private static CamModel camSession(MethodRegistry.Context ctx, Onnx.ModelProto model, GradientOptions opts) {
    if (model == ctx.original()) {
      return Gradients.gradcam(model, opts, ctx.model().runtime());
    }
    GradientCompiler.Graphs g = GradientCompiler.compile(model, opts);
    return new GradCamSession(g.gradcam(), g.layer(), ctx.model().runtime());
  }

  /** The saliency command's job for one image, so the methods read their flags exactly as it does. */
  private static GradientCommandSupport.Job job(MethodRegistry.Context ctx, float[] image) {
    return new GradientCommandSupport.Job(ctx.model(), List.of(), image, 1, null, ctx.seed(),
        Scoring.of(ctx.model().card(), ctx.model().labels()), Normalization.of(ctx.model().card()));
  }
}
