package dev.lanterne.cli;

import dev.lanterne.LanterneException;
import dev.lanterne.explain.Explanation;
import dev.lanterne.explain.gradient.CamMethod;
import dev.lanterne.explain.gradient.GradCam;
import dev.lanterne.explain.gradient.GradCamPlusPlus;
import dev.lanterne.explain.gradient.GuidedGradCam;
import dev.lanterne.grad.Variant;
import dev.lanterne.runtime.CamModel;
import dev.lanterne.runtime.GradientModel;
import java.util.List;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/** `lanterne gradcam`: Grad-CAM, Grad-CAM++ or guided Grad-CAM at a chosen layer. */
public final class GradCamCommand implements Command {
  static final String PLUS_PLUS = "plus-plus";
  static final String GUIDED = "guided";

  @Override
  public String name() {
    return "gradcam";
  }

  @Override
  public String summary() {
    return "class activation maps: Grad-CAM, Grad-CAM++ (--plus-plus) or guided Grad-CAM (--guided)";
  }

  @Override
  public Options options() {
    Options o = GradientCommandSupport.standardOptions();
    o.addOption(Option.builder().longOpt(PLUS_PLUS).desc("Grad-CAM++ weights").build());
    o.addOption(Option.builder().longOpt(GUIDED).desc("guided backpropagation x Grad-CAM").build());
    GradientCommandSupport.layerFlag(o);
    return o;
  }

  @Override
  public int run(CommandLine cl) {
    if (cl.hasOption(PLUS_PLUS) && cl.hasOption(GUIDED)) {
      throw LanterneException.usage("--plus-plus and --guided exclude each other; pick one");
    }
    String method = cl.hasOption(PLUS_PLUS) ? "gradcam++" : cl.hasOption(GUIDED) ? "guided-gradcam" : "gradcam";
    GradientCommandSupport.Job job = GradientCommandSupport.Job.start(cl);
    List<Explanation> maps = explain(cl, job, method, job.classes(cl));
    GradientCommandSupport.write(cl, job, maps);
    return 0;
  }

  /** Runs one CAM method: gradcam, gradcam++ or guided-gradcam (also used by `lanterne explain`). */
  static List<Explanation> explain(CommandLine cl, GradientCommandSupport.Job job, String method, int[][] classes) {
    try (CamModel cam = GradientCommandSupport.openCam(cl, job)) {
      return switch (method) {
        case "gradcam" -> new GradCam(cam, job.scoring()).explain(job.x(), job.n(), classes,
            CamMethod.Options.DEFAULT);
        case "gradcam++" -> new GradCamPlusPlus(cam, job.scoring()).explain(job.x(), job.n(), classes,
            CamMethod.Options.DEFAULT);
        case "guided-gradcam" -> {
          try (GradientModel guided = GradientCommandSupport.openGradient(cl, job, Variant.GUIDED)) {
            yield new GuidedGradCam(cam, guided, job.scoring()).explain(job.x(), job.n(), classes,
                CamMethod.Options.DEFAULT);
          }
        }
        default -> throw new IllegalArgumentException(method);
      };
    }
  }
}
