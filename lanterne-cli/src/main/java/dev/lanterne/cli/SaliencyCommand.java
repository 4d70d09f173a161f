package dev.lanterne.cli;

import dev.lanterne.LanterneException;
import dev.lanterne.explain.Explanation;
import dev.lanterne.explain.Settings;
import dev.lanterne.methods.MethodInfo;
import dev.lanterne.methods.Methods;
import java.util.List;
import java.util.Map;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/** `lanterne saliency`: input-gradient maps (vanilla, SmoothGrad and variants, Integrated Gradients, ...). */
public final class SaliencyCommand implements Command {
  static final String METHOD = "method";
  static final String TIMES_INPUT = "times-input";
  /** --method words and the library's method names. */
  private static final Map<String, String> NAMES = Map.of("vanilla", "saliency", "smoothgrad", "smoothgrad",
      "squared", "smoothgrad-squared", "vargrad", "vargrad", "integrated", "integrated-gradients", "guided",
      "guided-backprop", "deconvnet", "deconvnet");

  @Override
  public String name() {
    return "saliency";
  }

  @Override
  public String summary() {
    return "gradient maps: vanilla saliency, SmoothGrad, SmoothGrad squared, VarGrad, Integrated Gradients";
  }

  private static List<String> words() {
    return NAMES.keySet().stream().filter(w -> ExplainSupport.METHODS.names().contains(NAMES.get(w))).sorted()
        .toList();
  }

  @Override
  public Options options() {
    Options o = ExplainSupport.standardOptions();
    o.addOption(Option.builder().longOpt(METHOD).hasArg().argName("M")
        .desc("vanilla (default), or one of " + String.join(", ", words())).build());
    ExplainSupport.gradientFlag(o);
    o.addOption(Option.builder().longOpt(TIMES_INPUT).desc("vanilla: gradient x input").build());
    return ExplainSupport.settingFlags(o, ExplainSupport.METHODS.all().stream()
        .filter(m -> NAMES.containsValue(m.name())).toList());
  }

  @Override
  public int run(CommandLine cl) {
    String word = CliSupport.choice(cl, METHOD, "vanilla", words().toArray(new String[0]));
    if (!word.equals("vanilla") && !word.equals("guided") && !word.equals("deconvnet")) {
      ExplainSupport.refuse(cl, Methods.SIGNED.name(), "applies to --method vanilla, guided and deconvnet only");
    }
    if (!word.equals("vanilla")) {
      ExplainSupport.refuse(cl, TIMES_INPUT, "applies to --method vanilla only");
    }
    List<MethodInfo> methods = ExplainSupport.one(cl.hasOption(TIMES_INPUT) ? "gradient-x-input" : NAMES.get(word));
    Settings[] settings = new Settings[1];
    try (ExplainSupport.Job job = ExplainSupport.start(cl, methods, settings)) {
      List<Explanation> maps = ExplainSupport.explain(cl, job, methods, settings[0]);
      ExplainSupport.write(cl, job, maps);
    } catch (IllegalStateException e) {
      throw new LanterneException(e.getMessage(), e);
    }
    return 0;
  }
}
