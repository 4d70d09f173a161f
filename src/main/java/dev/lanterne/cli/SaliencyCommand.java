package dev.lanterne.cli;

import dev.lanterne.LanterneException;
import dev.lanterne.explain.Explanation;
import dev.lanterne.explain.gradient.ChannelReduction;
import dev.lanterne.explain.gradient.IntegratedGradients;
import dev.lanterne.explain.gradient.Saliency;
import dev.lanterne.explain.gradient.SmoothGrad;
import dev.lanterne.grad.Variant;
import dev.lanterne.runtime.GradientModel;
import java.util.List;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/** `lanterne saliency`: input-gradient maps (vanilla, SmoothGrad and variants, Integrated Gradients). */
public final class SaliencyCommand implements Command {
  static final String METHOD = "method";
  static final String SIGNED = "signed";
  static final String TIMES_INPUT = "times-input";

  @Override
  public String name() {
    return "saliency";
  }

  @Override
  public String summary() {
    return "gradient maps: vanilla saliency, SmoothGrad, SmoothGrad squared, VarGrad, Integrated Gradients";
  }

  @Override
  public Options options() {
    Options o = GradientCommandSupport.standardOptions();
    o.addOption(Option.builder().longOpt(METHOD).hasArg().argName("M")
        .desc("vanilla (default), guided (guided backpropagation), deconvnet, smoothgrad, squared, vargrad"
            + " or integrated").build());
    GradientCommandSupport.noiseAndPathFlags(o);
    GradientCommandSupport.gradientFlag(o);
    o.addOption(Option.builder().longOpt(SIGNED).desc("vanilla: keep the gradient's sign in the map").build());
    o.addOption(Option.builder().longOpt(TIMES_INPUT).desc("vanilla: gradient x input").build());
    return o;
  }

  @Override
  public int run(CommandLine cl) {
    String method = CliSupport.choice(cl, METHOD, "vanilla", "vanilla", "guided", "deconvnet", "smoothgrad",
        "squared", "vargrad", "integrated");
    boolean plain = method.equals("vanilla") || method.equals("guided") || method.equals("deconvnet");
    if (!plain && (cl.hasOption(SIGNED) || cl.hasOption(TIMES_INPUT))) {
      throw LanterneException.usage("--signed and --times-input apply to --method vanilla, guided and deconvnet only");
    }
    Variant variant = switch (method) {
      case "guided" -> Variant.GUIDED;
      case "deconvnet" -> Variant.DECONVNET;
      default -> Variant.STANDARD;
    };
    GradientCommandSupport.Job job = GradientCommandSupport.Job.start(cl);
    int[][] classes = job.classes(cl);
    List<Explanation> maps;
    try (GradientModel model = GradientCommandSupport.openGradient(cl, job, variant)) {
      maps = explain(cl, job, model, method, classes);
    }
    GradientCommandSupport.write(cl, job, maps);
    return 0;
  }

  /** Runs one gradient method by its --method name (also used by `lanterne explain`). */
  static List<Explanation> explain(CommandLine cl, GradientCommandSupport.Job job, GradientModel model,
      String method, int[][] classes) {
    return switch (method) {
      case "vanilla", "guided", "deconvnet" -> new Saliency(model, job.scoring()).explain(job.x(), job.n(), classes,
          Saliency.Options.DEFAULT.withReduce(GradientCommandSupport.reduce(cl, ChannelReduction.MAX))
              .withSigned(cl.hasOption(SIGNED)).withTimesInput(cl.hasOption(TIMES_INPUT))
              .withVariant(method.equals("guided") ? Variant.GUIDED
                  : method.equals("deconvnet") ? Variant.DECONVNET : Variant.STANDARD));
      case "smoothgrad", "squared", "vargrad" -> new SmoothGrad(model, job.scoring()).explain(job.x(), job.n(),
          classes, GradientCommandSupport.smoothGrad(cl, job, variant(method)));
      case "integrated" -> new IntegratedGradients(model, job.scoring()).explain(job.x(), job.n(), classes,
          GradientCommandSupport.integratedGradients(cl, job));
      default -> throw new IllegalArgumentException(method);
    };
  }

  private static SmoothGrad.Variant variant(String method) {
    return switch (method) {
      case "squared" -> SmoothGrad.Variant.SQUARED;
      case "vargrad" -> SmoothGrad.Variant.VARGRAD;
      default -> SmoothGrad.Variant.SMOOTHGRAD;
    };
  }
}
