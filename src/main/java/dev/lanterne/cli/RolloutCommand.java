package dev.lanterne.cli;

import dev.lanterne.explain.Explanation;
import dev.lanterne.explain.attention.AttentionRollout;
import dev.lanterne.explain.attention.Rollout;
import dev.lanterne.grad.GradientCompiler;
import dev.lanterne.grad.GradientOptions;
import dev.lanterne.onnx.OnnxModels;
import dev.lanterne.onnx.proto.Onnx;
import dev.lanterne.runtime.AttentionModel;
import dev.lanterne.runtime.AttentionSession;
import dev.lanterne.runtime.RuntimeOptions;
import java.util.List;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/**
 * `lanterne rollout`: attention rollout, or gradient-weighted rollout (--gradient-weighted), on a
 * ViT-like model; the attention maps are found from the Softmax nodes of its attention blocks.
 */
public final class RolloutCommand implements Command {
  static final String GRADIENT_WEIGHTED = "gradient-weighted";
  static final String HEAD_FUSION = "head-fusion";

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
    Options o = GradientCommandSupport.standardOptions();
    o.addOption(Option.builder().longOpt(GRADIENT_WEIGHTED)
        .desc("weight each head by the class score's gradient (Chefer et al. 2021); class-specific").build());
    headFusionFlag(o);
    return o;
  }

  static void headFusionFlag(Options o) {
    o.addOption(Option.builder().longOpt(HEAD_FUSION).hasArg().argName("F")
        .desc("rollout: how heads combine, mean (default), max or min").build());
  }

  @Override
  public int run(CommandLine cl) {
    AttentionRollout.Options options = options(cl, cl.hasOption(GRADIENT_WEIGHTED));
    GradientCommandSupport.Job job = GradientCommandSupport.Job.start(cl);
    List<Explanation> maps = explain(job, options, job.classes(cl));
    GradientCommandSupport.write(cl, job, maps);
    return 0;
  }

  static AttentionRollout.Options options(CommandLine cl, boolean gradientWeighted) {
    Rollout.HeadFusion fusion = Rollout.HeadFusion.parse(cl.getOptionValue(HEAD_FUSION, "mean"));
    if (gradientWeighted && fusion != Rollout.HeadFusion.MEAN) {
      throw dev.lanterne.LanterneException.usage("--head-fusion applies to plain rollout; gradient-weighted"
          + " rollout weights the heads by their gradients");
    }
    return new AttentionRollout.Options(gradientWeighted, fusion);
  }

  /** Runs rollout or gradient-weighted rollout on the job's images (also used by `lanterne explain`). */
  static List<Explanation> explain(GradientCommandSupport.Job job, AttentionRollout.Options options, int[][] classes) {
    try (AttentionModel m = open(OnnxModels.load(job.spec().path()), options.gradientWeighted(),
        job.spec().runtime())) {
      return new AttentionRollout(m, job.scoring()).explain(job.x(), job.n(), classes, options);
    }
  }

  static AttentionModel open(Onnx.ModelProto model, boolean gradients, RuntimeOptions runtime) {
    return new AttentionSession(GradientCompiler.attention(model, GradientOptions.DEFAULT, gradients), runtime);
  }
}
