package dev.lanterne.cli;

import dev.lanterne.explain.Settings;
import dev.lanterne.methods.MethodInfo;
import java.util.List;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/** `lanterne explain`: several methods (any the library knows) on the same images, into one grid. */
public final class ExplainCommand implements Command {
  static final String METHODS = "methods";
  static final String DEFAULT = "saliency,smoothgrad,integrated-gradients,gradcam";

  @Override
  public String name() {
    return "explain";
  }

  @Override
  public String summary() {
    return "several methods (saliency, smoothgrad, gradcam, rise, ...) on the same images, one grid";
  }

  @Override
  public Options options() {
    Options o = ExplainSupport.standardOptions();
    o.addOption(Option.builder().longOpt(METHODS).hasArg().argName("LIST")
        .desc("comma-separated, from " + String.join(", ", ExplainSupport.METHODS.names()) + " (default " + DEFAULT
            + ")").build());
    ExplainSupport.gradientFlag(o);
    return ExplainSupport.settingFlags(o, ExplainSupport.METHODS.all());
  }

  @Override
  public int run(CommandLine cl) {
    List<MethodInfo> methods = ExplainSupport.METHODS.parse(cl.getOptionValue(METHODS, DEFAULT));
    Settings[] settings = new Settings[1];
    try (ExplainSupport.Job job = ExplainSupport.start(cl, methods, settings)) {
      ExplainSupport.write(cl, job, ExplainSupport.explain(cl, job, methods, settings[0]));
    }
    return 0;
  }
}
