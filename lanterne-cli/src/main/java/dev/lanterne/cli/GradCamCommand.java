package dev.lanterne.cli;

import dev.lanterne.LanterneException;
import dev.lanterne.explain.Settings;
import dev.lanterne.methods.MethodInfo;
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
    Options o = ExplainSupport.standardOptions();
    o.addOption(Option.builder().longOpt(PLUS_PLUS).desc("Grad-CAM++ weights").build());
    o.addOption(Option.builder().longOpt(GUIDED).desc("guided backpropagation x Grad-CAM").build());
    return ExplainSupport.settingFlags(o, ExplainSupport.one("gradcam"));
  }

  @Override
  public int run(CommandLine cl) {
    if (cl.hasOption(PLUS_PLUS) && cl.hasOption(GUIDED)) {
      throw LanterneException.usage("--plus-plus and --guided exclude each other; pick one");
    }
    if (cl.hasOption(ExplainSupport.RAW) && !cl.hasOption(GUIDED)) {
      throw LanterneException.usage("--raw writes a signed [3,H,W] attribution, which only --guided gives;"
          + " a CAM is one [H,W] map (written as .npy anyway)");
    }
    String method = cl.hasOption(PLUS_PLUS) ? "gradcam++" : cl.hasOption(GUIDED) ? "guided-gradcam" : "gradcam";
    List<MethodInfo> methods = ExplainSupport.one(method);
    Settings[] settings = new Settings[1];
    try (ExplainSupport.Job job = ExplainSupport.start(cl, methods, settings)) {
      ExplainSupport.write(cl, job, ExplainSupport.explain(cl, job, methods, settings[0]));
    }
    return 0;
  }
}
