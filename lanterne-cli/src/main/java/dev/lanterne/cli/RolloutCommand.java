package dev.lanterne.cli;

import dev.lanterne.explain.Settings;
import dev.lanterne.methods.MethodInfo;
import java.util.List;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/**
 * `lanterne rollout`: attention rollout (or gradient-weighted rollout) of a ViT-like model; the
 * attention maps are found from the Softmax nodes of its attention blocks.
 */
public final class RolloutCommand implements Command {
  static final String GRADIENT_WEIGHTED = "gradient-weighted";

  @Override
  public String name() {
    return "rollout";
  }

  @Override
  public String summary() {
    return "transformer attention rollout, or gradient-weighted rollout (--gradient-weighted)";
  }

  @Override
  public Options options() {
    Options o = ExplainSupport.standardOptions();
    o.addOption(Option.builder().longOpt(GRADIENT_WEIGHTED)
        .desc("weight each head by the class score's gradient (Chefer et al. 2021); class-specific").build());
    return ExplainSupport.settingFlags(o, ExplainSupport.one("rollout"));
  }

  @Override
  public int run(CommandLine cl) {
    boolean weighted = cl.hasOption(GRADIENT_WEIGHTED);
    if (weighted) {
      ExplainSupport.refuse(cl, "head-fusion", "applies to plain rollout; gradient-weighted rollout weights the heads"
          + " by their gradients");
    }
    List<MethodInfo> methods = ExplainSupport.one(weighted ? "grad-rollout" : "rollout");
    Settings[] settings = new Settings[1];
    try (ExplainSupport.Job job = ExplainSupport.start(cl, methods, settings)) {
      ExplainSupport.write(cl, job, ExplainSupport.explain(cl, job, methods, settings[0]));
    }
    return 0;
  }
}
