package dev.lanterne.cli;

import dev.lanterne.explain.perturbation.BlackBox;
import dev.lanterne.explain.perturbation.Fill;
import dev.lanterne.explain.perturbation.MaskType;
import dev.lanterne.explain.perturbation.Occlusion;
import dev.lanterne.explain.perturbation.OcclusionOptions;
import dev.lanterne.explain.perturbation.Rise;
import dev.lanterne.explain.perturbation.RiseOptions;
import dev.lanterne.metrics.Evaluation;
import dev.lanterne.model.ModelCard;
import dev.lanterne.runtime.Classifier;
import java.util.List;
import java.util.function.BiFunction;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/** RISE and occlusion as {@link MethodRegistry} entries: they see pixels in [0,1], the metrics normalised input. */
final class PerturbationMethods {
  private PerturbationMethods() {}

  static MethodRegistry.Entry rise() {
    return new MethodRegistry.Entry(Rise.METHOD, "RISE, random masks (--masks, --grid, --p, --mask-type, --fill)",
        PerturbationMethods::riseOptions, (ctx, chw) -> {
          CommandLine cl = ctx.cl();
          RiseOptions o = RiseOptions.DEFAULTS.withMasks(CliSupport.intOption(cl, "masks", 4000, 1, 10_000_000))
              .withGrid(CliSupport.intOption(cl, "grid", 7, 1, 4096))
              .withP(CliSupport.doubleOption(cl, "p", 0.5, 1e-6, 1))
              .withMaskType(MaskType.parse(cl.getOptionValue("mask-type", MaskType.BINARY.cliName())))
              .withFill(Fill.parse(cl.getOptionValue("fill", "black")))
              .withSeed(ctx.seed()).withBatch(ctx.model().runtime().maxBatch());
          o.checkFits(chw[1], chw[2]);
          Rise rise = new Rise(o);
          return open(ctx, (box, pixels) -> (classes, index) -> rise.explain(box, pixels, classes, index,
              dev.lanterne.explain.perturbation.ProgressListener.NONE));
        });
  }

  static MethodRegistry.Entry occlusion() {
    return new MethodRegistry.Entry(Occlusion.METHOD, "occlusion, a sliding square (--window, --stride, --fill)",
        PerturbationMethods::occlusionOptions, (ctx, chw) -> {
          CommandLine cl = ctx.cl();
          OcclusionOptions o = OcclusionOptions.DEFAULTS
              .withWindow(CliSupport.intOption(cl, "window", 16, 1, 4096),
                  CliSupport.intOption(cl, "stride", 8, 1, 4096))
              .withFill(Fill.parse(cl.getOptionValue("fill", "gray")))
              .withBatch(ctx.model().runtime().maxBatch());
          Occlusion occ = new Occlusion(o);
          return open(ctx, (box, pixels) -> (classes, index) -> occ.explain(box, pixels, classes, index,
              dev.lanterne.explain.perturbation.ProgressListener.NONE));
        });
  }

  private static void riseOptions(Options o) {
    o.addOption(Option.builder().longOpt("masks").hasArg().argName("N").desc("RISE: number of masks (default 4000)")
        .build());
    o.addOption(Option.builder().longOpt("grid").hasArg().argName("S").desc("RISE: grid cells per side (default 7)")
        .build());
    o.addOption(Option.builder().longOpt("p").hasArg().argName("P").desc("RISE: keep probability (default 0.5)")
        .build());
    o.addOption(Option.builder().longOpt("mask-type").hasArg().argName("T")
        .desc("RISE: mask family (default binary)").build());
    fillOption(o);
  }

  private static void occlusionOptions(Options o) {
    o.addOption(Option.builder().longOpt("window").hasArg().argName("PIXELS")
        .desc("occlusion: side of the square (default 16)").build());
    o.addOption(Option.builder().longOpt("stride").hasArg().argName("PIXELS")
        .desc("occlusion: step between squares (default 8)").build());
    fillOption(o);
  }

  private static void fillOption(Options o) {
    o.addOption(Option.builder().longOpt("fill").hasArg().argName("F")
        .desc("RISE/occlusion: black, gray, mean or blur (default black for RISE, gray for occlusion)").build());
  }

  /** Explains one image in pixel space for some classes. */
  private interface PixelExplainer {
    List<dev.lanterne.explain.Explanation> explain(int[] classes, int imageIndex);
  }

  /** Opens a classifier on the (possibly randomised) model and feeds the method pixels in [0,1]. */
  private static Evaluation.MethodFactory open(MethodRegistry.Context ctx,
      BiFunction<BlackBox, float[], PixelExplainer> method) {
    ModelCard card = ctx.model().card();
    return model -> {
      Classifier c = Classifier.open(model.toByteArray(), ctx.model().name(), ctx.model().runtime());
      BlackBox box = BlackBox.of(c, card, ctx.model().labels());
      return new Evaluation.Method() {
        @Override
        public List<dev.lanterne.explain.Explanation> explain(float[] image, int[] classes, int imageIndex) {
          return method.apply(box, pixels(image, card)).explain(classes, imageIndex);
        }

        @Override
        public void close() {
          c.close();
        }
      };
    };
  }

  /** Normalised [C,H,W] back to pixels in [0,1]: x * std + mean per channel. */
  static float[] pixels(float[] normalised, ModelCard card) {
    int channels = card.mean().length;
    int plane = normalised.length / channels;
    float[] out = new float[normalised.length];
    for (int c = 0; c < channels; c++) {
      float m = card.mean()[c];
      float s = card.std()[c];
      for (int i = c * plane, end = i + plane; i < end; i++) {
        out[i] = normalised[i] * s + m;
      }
    }
    return out;
  }
}
