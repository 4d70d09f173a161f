package dev.lanterne.cli;

import dev.lanterne.LanterneException;
import dev.lanterne.explain.Explanation;
import dev.lanterne.grad.Variant;
import dev.lanterne.runtime.GradientModel;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/** `lanterne explain`: several gradient methods on the same images, into one grid. */
public final class ExplainCommand implements Command {
  static final String METHODS = "methods";
  static final List<String> GRADIENT_METHODS = List.of("saliency", "smoothgrad", "squared", "vargrad", "integrated");
  static final List<String> CAM_METHODS = List.of("gradcam", "gradcam++", "guided-gradcam");
  static final List<String> ATTENTION_METHODS = List.of("rollout", "grad-rollout");

  @Override
  public String name() {
    return "explain";
  }

  @Override
  public String summary() {
    return "several methods (saliency, smoothgrad, integrated, gradcam, ...) on the same images, one grid";
  }

  @Override
  public Options options() {
    Options o = GradientCommandSupport.standardOptions();
    o.addOption(Option.builder().longOpt(METHODS).hasArg().argName("LIST")
        .desc("comma-separated, from " + String.join(", ", GRADIENT_METHODS) + ", "
            + String.join(", ", CAM_METHODS) + ", " + String.join(", ", ATTENTION_METHODS)
            + " (default saliency,smoothgrad,integrated,gradcam)").build());
    GradientCommandSupport.noiseAndPathFlags(o);
    GradientCommandSupport.gradientFlag(o);
    GradientCommandSupport.layerFlag(o);
    RolloutCommand.headFusionFlag(o);
    return o;
  }

  @Override
  public int run(CommandLine cl) {
    Set<String> methods = methods(cl.getOptionValue(METHODS, "saliency,smoothgrad,integrated,gradcam"));
    if (methods.contains("guided-gradcam")) {
      GradientCommandSupport.requireGraph(cl, "guided-gradcam");
    }
    GradientCommandSupport.Job job = GradientCommandSupport.Job.start(cl);
    int[][] classes = job.classes(cl);
    List<Explanation> all = new ArrayList<>();
    if (methods.stream().anyMatch(GRADIENT_METHODS::contains)) {
      try (GradientModel model = GradientCommandSupport.openGradient(cl, job, Variant.STANDARD)) {
        for (String m : methods) {
          if (GRADIENT_METHODS.contains(m)) {
            all.addAll(SaliencyCommand.explain(cl, job, model, m.equals("saliency") ? "vanilla" : m, classes));
          }
        }
      }
    }
    for (String m : methods) {
      if (CAM_METHODS.contains(m)) {
        all.addAll(GradCamCommand.explain(cl, job, m, classes));
      }
      if (ATTENTION_METHODS.contains(m)) {
        all.addAll(RolloutCommand.explain(job, RolloutCommand.options(cl, m.equals("grad-rollout")), classes));
      }
    }
    // one grid row per image: order maps by image, keeping the method order within an image
    all.sort(java.util.Comparator.comparingInt(Explanation::image));
    GradientCommandSupport.write(cl, job, all);
    return 0;
  }

  static Set<String> methods(String list) {
    Set<String> out = new LinkedHashSet<>();
    for (String t : list.split(",")) {
      String m = t.strip().toLowerCase(Locale.ROOT);
      if (m.isEmpty()) {
        continue;
      }
      if (!GRADIENT_METHODS.contains(m) && !CAM_METHODS.contains(m) && !ATTENTION_METHODS.contains(m)) {
        throw LanterneException.usage("unknown method '" + m + "' in --methods; use " + String.join(", ",
            GRADIENT_METHODS) + ", " + String.join(", ", CAM_METHODS) + ", " + String.join(", ", ATTENTION_METHODS));
      }
      out.add(m);
    }
    if (out.isEmpty()) {
      throw LanterneException.usage("--methods is empty; name at least one method");
    }
    return out;
  }
}
