package dev.lanterne.cli;

import dev.lanterne.LanterneException;
import dev.lanterne.bench.ForwardBenchmark;
import dev.lanterne.runtime.RuntimeOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/** `lanterne bench WHAT`: prints speed figures (images per second and ratios) measured in one run. */
public final class BenchCommand implements Command, Main.PassesArguments {
  static final List<String> WHAT = List.of("forward", "gradients", "smoothgrad", "rise", "inversion");

  @Override
  public String name() {
    return "bench";
  }

  @Override
  public String summary() {
    return "print speed figures: " + String.join(", ", WHAT);
  }

  @Override
  public Options options() {
    Options o = CommonOptions.model(new Options());
    o.getOption(CommonOptions.MODEL).setArgs(Option.UNLIMITED_VALUES);
    o.addOption(Option.builder().longOpt("batches").hasArg().argName("B,B")
        .desc("batch sizes (default 1,16)").build());
    return o;
  }

  @Override
  public int run(CommandLine cl) {
    if (cl.getArgList().isEmpty() || !WHAT.contains(cl.getArgList().get(0))) {
      throw LanterneException.usage("say what to benchmark: lanterne bench " + String.join("|", WHAT));
    }
    String what = cl.getArgList().get(0);
    // the method benchmarks take their own positional arguments (see each class's main)
    String[] rest = cl.getArgList().subList(1, cl.getArgList().size()).toArray(new String[0]);
    switch (what) {
      case "gradients" -> {
        dev.lanterne.bench.GradientBenchmark.main(rest);
        return 0;
      }
      case "smoothgrad" -> {
        dev.lanterne.bench.SmoothGradBenchmark.main(rest);
        return 0;
      }
      case "inversion" -> {
        try {
          dev.lanterne.bench.InversionBenchmark.main(rest);
        } catch (Exception e) {
          throw new LanterneException("inversion benchmark failed: " + e.getMessage(), e);
        }
        return 0;
      }
      case "rise" -> {
        dev.lanterne.bench.RiseBenchmark.main(rest);
        return 0;
      }
      default -> { }
    }
    try {
      cl = Main.parse(this, rest);
    } catch (org.apache.commons.cli.ParseException e) {
      throw LanterneException.usage(e.getMessage() + "; see lanterne bench --help");
    }
    RuntimeOptions runtime = CliSupport.runtime(cl);
    int[] batches = CliSupport.intList(cl, "batches", "1,16", 1, 4096);
    List<Path> models = models(cl);
    ForwardBenchmark.run(models, batches, runtime, System.out);
    return 0;
  }

  /** --model values, or the shared pretrained and torchvision models when none is given. */
  static List<Path> models(CommandLine cl) {
    List<Path> models = new ArrayList<>();
    if (cl.hasOption(CommonOptions.MODEL)) {
      for (String m : cl.getOptionValues(CommonOptions.MODEL)) {
        models.add(Path.of(m));
      }
      return models;
    }
    Path shared = Path.of("..", "shared", "models");
    for (String m : List.of("mobilenetv2-1.0-224-qdq.onnx", "torchvision/resnet18.onnx")) {
      if (Files.isRegularFile(shared.resolve(m))) {
        models.add(shared.resolve(m));
      }
    }
    if (models.isEmpty()) {
      models.add(CliSupport.demoModel());
    }
    return models;
  }
}
