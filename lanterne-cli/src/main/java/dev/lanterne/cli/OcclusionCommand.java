package dev.lanterne.cli;

import dev.lanterne.console.Progress;

import dev.lanterne.explain.Images;

import dev.lanterne.explain.ModelDescription;

import dev.lanterne.explain.Explanation;
import dev.lanterne.explain.perturbation.BlackBox;
import dev.lanterne.explain.perturbation.Fill;
import dev.lanterne.explain.perturbation.Occlusion;
import dev.lanterne.explain.perturbation.OcclusionOptions;
import dev.lanterne.explain.perturbation.ScoreKind;
import dev.lanterne.runtime.Classifier;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/** `lanterne occlusion`: score drop when a sliding window hides part of the image (black box). */
public final class OcclusionCommand implements Command {
  @Override
  public String name() {
    return "occlusion";
  }

  @Override
  public String summary() {
    return "occlusion: score drop as a window slides over the image (deterministic baseline)";
  }

  @Override
  public Options options() {
    Options o = CommonOptions.standard(true);
    o.addOption(Option.builder().longOpt("window").hasArg().argName("PX")
        .desc("side of the occluding square (default 16)").build());
    o.addOption(Option.builder().longOpt("stride").hasArg().argName("PX")
        .desc("step between window positions (default 8)").build());
    o.addOption(Option.builder().longOpt("score").hasArg().argName("KIND")
        .desc("probability (default) or logit").build());
    RiseCommand.Outputs.fillOptions(o);
    CommonOptions.display(o);
    return o;
  }

  @Override
  public int run(CommandLine cl) throws Exception {
    ModelDescription spec = CliSupport.model(cl);
    OcclusionOptions d = OcclusionOptions.DEFAULTS;
    int side = Math.min(spec.card().height(), spec.card().width());
    OcclusionOptions oo = new OcclusionOptions(CliSupport.intOption(cl, "window", d.window(), 1, side),
        CliSupport.intOption(cl, "stride", d.stride(), 1, side), spec.runtime().maxBatch(),
        Fill.parse(cl.getOptionValue("fill", "gray")),
        CliSupport.doubleOption(cl, "blur-sigma", d.blurSigma(), 0, 1000),
        ScoreKind.parse(cl.getOptionValue("score", "probability")));
    Path out = CliSupport.outDir(cl, null);
    Images inputs = CliSupport.inputs(cl, spec);
    List<Explanation> all = new ArrayList<>();
    try (Classifier classifier = spec.openClassifier()) {
      BlackBox model = BlackBox.of(classifier, spec.card(), spec.labels());
      float[] scores = classifier.run(inputs.tensor(), inputs.size());
      int[][] classes = CliSupport.classes(cl, scores, inputs.size(), classifier.numClasses(), spec.labels());
      Occlusion occlusion = new Occlusion(oo);
      for (int i = 0; i < inputs.size(); i++) {
        float[] pixels = RiseCommand.Outputs.pixels(inputs.tensor(i), spec.card());
        try (Progress bar = Progress.start("occlusion " + inputs.names().get(i), 1, "windows")) {
          all.addAll(occlusion.explain(model, pixels, classes[i], i, (done, total) -> {
            bar.maxHint(total);
            bar.stepTo(done);
          }));
        }
      }
    }
    RiseCommand.Outputs.write(cl, out, inputs, all);
    return 0;
  }
}
