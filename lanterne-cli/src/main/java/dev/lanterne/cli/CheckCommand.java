package dev.lanterne.cli;

import dev.lanterne.explain.Images;

import dev.lanterne.explain.ModelDescription;

import dev.lanterne.LanterneException;
import dev.lanterne.grad.GradientCheck;
import dev.lanterne.grad.GradientOptions;
import dev.lanterne.grad.OperatorCheck;
import dev.lanterne.grad.Gradients;
import dev.lanterne.grad.StraightThroughReference;
import dev.lanterne.onnx.OnnxModels;
import dev.lanterne.onnx.QdqFolding;
import dev.lanterne.onnx.proto.Onnx;
import dev.lanterne.runtime.Classifier;
import dev.lanterne.runtime.GradientModel;
import dev.lanterne.runtime.RuntimeOptions;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/**
 * `lanterne check`: compares the compiled gradient (the saliency graph the commands run) with central
 * finite differences of the plain model (random directions and a coarse pixel grid), prints the
 * relative errors, and exits with 1 when any check exceeds its tolerance. When one fails (or with
 * {@code --operators}) it checks every node's rule on its own ({@link OperatorCheck}) to name the rule
 * responsible. On a quantized model the
 * finite differences are those of its straight-through reference ({@link StraightThroughReference}).
 */
public final class CheckCommand implements Command {
  @Override
  public String name() {
    return "check";
  }

  @Override
  public String summary() {
    return "check the compiled input gradient against finite differences of the model";
  }

  @Override
  public Options options() {
    Options o = CommonOptions.model(new Options());
    CommonOptions.inputs(o);
    CommonOptions.classes(o);
    CommonOptions.seed(o);
    GradientCheck.Options d = GradientCheck.Options.DEFAULT;
    o.addOption(Option.builder().longOpt("directions").hasArg().argName("K")
        .desc("random directions for the directional check (default " + d.directions() + ")").build());
    o.addOption(Option.builder().longOpt("grid").hasArg().argName("G")
        .desc("pixels per side of the coordinate grid (default " + d.grid() + ")").build());
    o.addOption(Option.builder().longOpt("directional-tolerance").hasArg().argName("T")
        .desc("largest relative error of the directional derivatives (default " + d.directionTolerance() + ")")
        .build());
    o.addOption(Option.builder().longOpt("grid-tolerance").hasArg().argName("T")
        .desc("largest relative error of the pixel-grid partials (default " + d.gridTolerance() + ")").build());
    o.addOption(Option.builder().longOpt("path-points").hasArg().argName("M")
        .desc("gradients along each direction for the path-integral check, 0 for none (default " + d.pathPoints()
            + "; not on quantized models)").build());
    o.addOption(Option.builder().longOpt("path-tolerance").hasArg().argName("T")
        .desc("largest relative error of the path integrals (default " + d.pathTolerance() + ")").build());
    o.addOption(Option.builder().longOpt("operators")
        .desc("also check each node's gradient rule on its own against finite differences of that node (done"
            + " anyway when a check fails, to name the rule responsible)").build());
    return o;
  }

  @Override
  public int run(CommandLine cl) {
    ModelDescription spec = CliSupport.model(cl);
    Images inputs = CliSupport.inputs(cl, spec);
    Onnx.ModelProto model = OnnxModels.load(spec.path());
    boolean quantized = isQuantized(model);
    // the straight-through reference is frozen at the image: it does not hold along a segment
    GradientCheck.Options options = quantized ? options(cl).withoutPath() : options(cl);
    if (quantized) {
      // finite differences of a quantized model measure rounding steps, not a gradient
      System.out.println("note: " + spec.path().getFileName() + " is quantized: checking the derived graph the"
          + " commands run (the deployed int8 forward, straight-through backward) against finite differences of its"
          + " straight-through reference at each image: every activation QuantizeLinear->DequantizeLinear replaced"
          + " by a clip to its unsaturated range plus the rounding residual frozen at the image, float weights");
    }
    boolean allPassed = true;
    int firstFailing = -1;
    try (Classifier deployed = Classifier.open(OnnxModels.toBytes(model), spec.name(), spec.runtime());
        GradientModel gradient = saliencyModel(model, spec.runtime())) {
      float[] scores = deployed.run(inputs.tensor(), inputs.size());
      int[][] classes = CliSupport.classes(cl, scores, inputs.size(), deployed.numClasses(), spec.labels());
      for (int i = 0; i < inputs.size(); i++) {
        // the reference is built at the point the checks are made (the image plus the check's jitter)
        Classifier reference = quantized ? Classifier.open(OnnxModels.toBytes(StraightThroughReference.at(model,
            GradientCheck.jittered(inputs.tensor(i), options), spec.runtime())),
            spec.name() + " (straight-through reference)", spec.runtime()) : deployed;
        try {
          for (int c : classes[i]) {
            System.out.printf("%s, class %d (%s):%n", inputs.names().get(i), c, spec.labels().get(c));
            GradientCheck.Report report = GradientCheck.run(gradient, reference, inputs.tensor(i), c, options);
            System.out.print(report.format().indent(2));
            if (!report.passed() && firstFailing < 0) {
              firstFailing = i;
            }
            allPassed &= report.passed();
          }
        } finally {
          if (reference != deployed) {
            reference.close();
          }
        }
      }
    }
    if (!allPassed || cl.hasOption("operators")) {
      int at = Math.max(firstFailing, 0);
      System.out.println("each node's rule on its own, at " + inputs.names().get(at) + ":");
      // the number of nodes is known once the check has found the path: the bar starts at the first report
      dev.lanterne.console.Progress[] bar = new dev.lanterne.console.Progress[1];
      OperatorCheck.Report ops;
      try {
        ops = OperatorCheck.run(model, inputs.tensor(at), OperatorCheck.Options.DEFAULT.withSeed(CliSupport.seed(cl)),
            (checked, total) -> {
              if (bar[0] == null) {
                bar[0] = dev.lanterne.console.Progress.start("operator check", total, "nodes");
              }
              bar[0].stepTo(checked);
            });
      } finally {
        if (bar[0] != null) {
          bar[0].close();
        }
      }
      System.out.print(ops.format(10).indent(2));
      if (!allPassed && ops.passed()) {
        System.out.println("every rule agrees with its own node: the disagreement is not one operator's rule");
      }
      allPassed &= ops.passed();
    }
    System.out.println(allPassed ? "all checks passed"
        : "some checks FAILED: the compiled gradient disagrees with finite differences of the model");
    return allPassed ? 0 : LanterneException.FAILURE;
  }

  /** The gradient under test: the compiled saliency graph (from the graph cache when built before). */
  static GradientModel saliencyModel(Onnx.ModelProto model, RuntimeOptions runtime) {
    return Gradients.saliency(model, GradientOptions.DEFAULT, runtime);
  }

  private static boolean isQuantized(Onnx.ModelProto model) {
    return model.getGraph().getNodeList().stream().anyMatch(QdqFolding::isQuantizeOrDequantize);
  }

  private static GradientCheck.Options options(CommandLine cl) {
    GradientCheck.Options d = GradientCheck.Options.DEFAULT;
    int pathPoints = CliSupport.intOption(cl, "path-points", d.pathPoints(), 0, 1000);
    if (pathPoints == 1) {
      throw LanterneException.usage("path-points", "the path-integral check needs at least 2 points; use 0 to skip"
          + " it");
    }
    return new GradientCheck.Options(CliSupport.intOption(cl, "directions", d.directions(), 1, 1000),
        CliSupport.intOption(cl, "grid", d.grid(), 1, 64), d.directionSteps(), d.pixelSteps(), d.scoreTolerance(),
        CliSupport.doubleOption(cl, "directional-tolerance", d.directionTolerance(), 0, 2),
        CliSupport.doubleOption(cl, "grid-tolerance", d.gridTolerance(), 0, 2), d.jitter(), CliSupport.seed(cl),
        pathPoints, d.pathSteps(),
        CliSupport.doubleOption(cl, "path-tolerance", d.pathTolerance(), 0, 2));
  }
}
