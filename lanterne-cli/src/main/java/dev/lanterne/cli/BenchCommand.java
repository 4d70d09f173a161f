package dev.lanterne.cli;

import dev.lanterne.LanterneException;
import dev.lanterne.bench.ForwardBenchmark;
import dev.lanterne.bench.GradientBenchmark;
import dev.lanterne.runtime.RuntimeOptions;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.HelpFormatter;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;

/**
 * `lanterne bench WHAT`: prints speed figures (images per second and ratios) measured in one run.
 * Every benchmark takes --model (one or more), --threads and --batches like the other commands, plus
 * its own options; `lanterne bench WHAT --help` lists them.
 */
public final class BenchCommand implements Command, Main.PassesArguments {
  static final List<String> WHAT = List.of("forward", "gradients", "methods", "smoothgrad", "rise", "inversion",
      "batch");

  private static final Map<String, String> SUMMARY = Map.of(
      "forward", "Lanterne's classifier against raw ONNX Runtime on the same model (overhead of Lanterne's code)",
      "gradients", "one saliency-graph call and one inversion step against one plain forward pass, compile"
          + " times, and (--profile) ONNX Runtime's per-operator profile of the forward and backward parts",
      "methods", "each method as a user calls it (forward, input gradient, Grad-CAM, SmoothGrad, RISE), for"
          + " comparison with PyTorch: tools/bench_pytorch.py runs both",
      "smoothgrad", "SmoothGrad with n samples on one image against one saliency call on a batch of n",
      "rise", "RISE throughput against plain forward passes, and peak heap against the number of masks",
      "inversion", "class-model inversion on the QDQ MobileNetV2: step time, then the course's full run",
      "batch", "lanterne batch with Grad-CAM against one library Grad-CAM call that writes nothing and against the"
          + " same call writing its maps as the gradcam command does, over the same generated images; RISE against"
          + " raw forward throughput; heap and RSS after 200 images and after --memory-images images");

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
    return options("forward");
  }

  /** The options of one benchmark. */
  static Options options(String what) {
    Options o = new Options();
    if (what.equals("batch")) {
      o.addOption(Option.builder().longOpt(CommonOptions.MODEL).hasArg().argName("FILE")
          .desc("ONNX model (default: the built-in demo model; its card next to it, if any, is used)").build());
    } else if (!what.equals("inversion")) {
      // bench inversion runs the course's models from --shared only
      o.addOption(Option.builder().longOpt(CommonOptions.MODEL).hasArgs().argName("FILE...")
          .desc("ONNX model(s) to benchmark (default: the shared models in ../shared/models)").build());
    }
    o.addOption(Option.builder().longOpt(CommonOptions.THREADS).hasArg().argName("N")
        .desc("ONNX Runtime intra-op threads (default: one per core)").build());
    o.addOption(Option.builder().longOpt(CommonOptions.DEVICE).hasArg().argName("DEV")
        .desc("cpu (default) or cuda (needs the cuda build)").build());
    o.addOption(Option.builder().longOpt(CommonOptions.VERBOSE).desc("print stack traces and details").build());
    o.addOption(Option.builder("h").longOpt(CommonOptions.HELP).desc("show this help").build());
    if (!what.equals("batch")) {
      // bench batch runs on generated images with the demo model (or --model)
      o.addOption(Option.builder().longOpt("shared").hasArg().argName("DIR")
          .desc("the shared data folder (default ../shared)").build());
    }
    switch (what) {
      case "forward" -> o.addOption(batches("1,16"));
      case "gradients" -> {
        o.addOption(batches("1,16"));
        o.addOption(repeats(5));
        o.addOption(Option.builder().longOpt("profile")
            .desc("also run each saliency graph under ONNX Runtime's profiler and print its top operators,"
                + " forward part and backward part").build());
        o.addOption(Option.builder().longOpt("top").hasArg().argName("N")
            .desc("operators listed per part with --profile (default 12)").build());
        o.addOption(Option.builder().longOpt("no-inversion").desc("skip the inversion-step timing").build());
        o.addOption(Option.builder().longOpt("runs").hasArg().argName("N")
            .desc("measure every model N times in turn and end with each ratio's median and range (default 1)")
            .build());
      }
      case "methods" -> {
        o.addOption(batches("1,16"));
        o.addOption(repeats(5));
        o.addOption(Option.builder().longOpt("samples").hasArg().argName("N")
            .desc("SmoothGrad samples on one image (default 50)").build());
        o.addOption(Option.builder().longOpt("masks").hasArg().argName("N").desc("RISE masks (default 2000)").build());
        o.addOption(Option.builder().longOpt("rise-batch").hasArg().argName("B")
            .desc("RISE masked images per forward call (default 50)").build());
      }
      case "smoothgrad" -> o.addOption(Option.builder().longOpt("samples").hasArg().argName("N")
          .desc("SmoothGrad samples (default 50)").build());
      case "rise" -> {
        o.addOption(Option.builder().longOpt("masks").hasArg().argName("N").desc("masks (default 512)").build());
        o.addOption(Option.builder().longOpt(CommonOptions.BATCH).hasArg().argName("B")
            .desc("masked images per forward call (default 32)").build());
      }
      case "inversion" -> {
        o.addOption(repeats(5));
        o.addOption(Option.builder().longOpt("steps").hasArg().argName("T").desc("steps of the full run (default 200)")
            .build());
        o.addOption(Option.builder().longOpt("timing-only").desc("only the step timing, not the full run").build());
        o.addOption(Option.builder().longOpt("logprob").desc("log-probability objective").build());
        o.addOption(Option.builder().longOpt("lr").hasArg().argName("LR").desc("learning rate").build());
        o.addOption(Option.builder().longOpt("regularised-only").desc("skip the unregularised run").build());
        o.addOption(Option.builder().longOpt(CommonOptions.OUT).hasArg().argName("DIR")
            .desc("write the inverted images here").build());
      }
      case "batch" -> {
        o.addOption(count("images", "generated images of the Grad-CAM comparison", 200));
        o.addOption(count("rise-images", "images of the RISE comparison", 8));
        o.addOption(count("memory-images", "images of the second memory reading (the first is after 200, or"
            + " after these if fewer)", 2000));
        o.addOption(count("rounds", "timed rounds of each comparison", 3));
      }
      default -> { }
    }
    return o;
  }

  private static Option batches(String dflt) {
    return Option.builder().longOpt("batches").hasArg().argName("B,B").desc("batch sizes (default " + dflt + ")")
        .build();
  }

  private static Option count(String name, String what, int dflt) {
    return Option.builder().longOpt(name).hasArg().argName("N").desc(what + " (default " + dflt + ")").build();
  }

  private static Option repeats(int dflt) {
    return Option.builder().longOpt("repeats").hasArg().argName("N")
        .desc("timed repetitions, median reported (default " + dflt + ")").build();
  }

  @Override
  public int run(CommandLine top) {
    List<String> args = top.getArgList();
    if (args.isEmpty() || !WHAT.contains(args.get(0))) {
      throw LanterneException.usage("say what to benchmark: lanterne bench " + String.join("|", WHAT)
          + (args.isEmpty() ? "" : " (not '" + args.get(0) + "')"));
    }
    String what = args.get(0);
    String[] rest = args.subList(1, args.size()).toArray(new String[0]);
    Options options = options(what);
    if (Arrays.asList(rest).contains("--help") || Arrays.asList(rest).contains("-h")) {
      printHelp(what, options);
      return 0;
    }
    CommandLine cl;
    try {
      cl = new DefaultParser().parse(options, rest);
    } catch (ParseException e) {
      throw LanterneException.usage(e.getMessage() + "; see lanterne bench " + what + " --help");
    }
    if (!cl.getArgList().isEmpty()) {
      throw LanterneException.usage("unexpected argument '" + cl.getArgList().get(0) + "'; see lanterne bench " + what
          + " --help");
    }
    RuntimeOptions runtime = CliSupport.runtime(cl);
    Path shared = Path.of(cl.getOptionValue("shared", Path.of("..", "shared").toString()));
    switch (what) {
      case "gradients" -> {
        List<Path> models = cl.hasOption(CommonOptions.MODEL) ? models(cl) : GradientBenchmark.defaultModels(shared);
        if (models.isEmpty()) {
          models = List.of(CliSupport.demoModel());
        }
        GradientBenchmark.Settings s = new GradientBenchmark.Settings(batches(cl),
            CliSupport.intOption(cl, "repeats", 5, 1, 1000), !cl.hasOption("no-inversion"), cl.hasOption("profile"),
            CliSupport.intOption(cl, "top", 12, 1, 100), CliSupport.intOption(cl, "runs", 1, 1, 100));
        GradientBenchmark.run(models, runtime.withMaxBatch(Math.max(runtime.maxBatch(), max(s.batches()))), s,
            System.out);
      }
      case "methods" -> {
        List<Path> models = cl.hasOption(CommonOptions.MODEL) ? models(cl)
            : existing(List.of(shared.resolve("models/torchvision/resnet18.onnx")));
        dev.lanterne.bench.MethodsBenchmark.run(models, runtime, new dev.lanterne.bench.MethodsBenchmark.Settings(
            batches(cl), CliSupport.intOption(cl, "repeats", 5, 1, 1000), CliSupport.intOption(cl, "samples", 50, 1, 10000),
            CliSupport.intOption(cl, "masks", 2000, 1, 1_000_000), CliSupport.intOption(cl, "rise-batch", 50, 1, 4096)),
            System.out);
      }
      case "smoothgrad" -> {
        List<Path> models = cl.hasOption(CommonOptions.MODEL) ? models(cl)
            : List.of(shared.resolve("models/mobilenetv2-1.0-224-qdq.onnx"));
        int samples = CliSupport.intOption(cl, "samples", 50, 1, 10000);
        dev.lanterne.bench.SmoothGradBenchmark.run(existing(models), samples, runtime.withMaxBatch(
            Math.max(samples, runtime.maxBatch())), System.out);
      }
      case "rise" -> {
        int batch = CliSupport.intOption(cl, CommonOptions.BATCH, 32, 1, 4096);
        List<Path> models = cl.hasOption(CommonOptions.MODEL) ? models(cl)
            : List.of(shared.resolve("models/mobilenetv2-1.0-224-qdq.onnx"),
                shared.resolve("models/torchvision/resnet18.onnx"));
        RuntimeOptions rt = runtime.withMaxBatch(batch);
        dev.lanterne.bench.RiseBenchmark.run(existing(models), CliSupport.intOption(cl, "masks", 512, 1, 1_000_000),
            batch, rt, System.out);
        if (!cl.hasOption(CommonOptions.MODEL)) {
          dev.lanterne.bench.RiseBenchmark.heap(shared.resolve("models/mobilenetv1-0.25-128.onnx"), batch, rt,
              System.out, 500, 8000);
        }
      }
      case "inversion" -> {
        List<String> a = new ArrayList<>(List.of("--shared", shared.toString()));
        for (String flag : List.of("repeats", "steps", "lr", "out")) {
          if (cl.hasOption(flag)) {
            a.addAll(List.of("--" + flag, cl.getOptionValue(flag)));
          }
        }
        for (String flag : List.of("timing-only", "logprob", "regularised-only")) {
          if (cl.hasOption(flag)) {
            a.add("--" + flag);
          }
        }
        if (cl.hasOption(CommonOptions.THREADS)) {
          a.addAll(List.of("--threads", cl.getOptionValue(CommonOptions.THREADS)));
        }
        try {
          dev.lanterne.bench.InversionBenchmark.main(a.toArray(new String[0]));
        } catch (LanterneException e) {
          throw e;
        } catch (Exception e) {
          throw new LanterneException("inversion benchmark failed: " + e.getMessage(), e);
        }
      }
      case "batch" -> {
        Path model = cl.hasOption(CommonOptions.MODEL) ? models(cl).get(0) : CliSupport.demoModel();
        dev.lanterne.bench.BatchBenchmark.run(model, runtime, CliSupport.intOption(cl, "images", 200, 1,
            1_000_000), CliSupport.intOption(cl, "rise-images", 8, 1, 1_000_000),
            CliSupport.intOption(cl, "memory-images", 2000, 1, 1_000_000), CliSupport.intOption(cl, "rounds", 3, 1, 1000),
            System.out);
      }
      default -> {
        List<Path> models = cl.hasOption(CommonOptions.MODEL) ? models(cl) : defaultForwardModels(shared);
        ForwardBenchmark.run(existing(models), batches(cl), runtime, System.out);
      }
    }
    return 0;
  }

  private static void printHelp(String what, Options options) {
    HelpFormatter f = new HelpFormatter();
    PrintWriter w = new PrintWriter(System.out, true);
    f.printHelp(w, 100, "lanterne bench " + what + " [options]", SUMMARY.get(what), options, 2, 2, "", false);
    w.flush();
  }

  private static int[] batches(CommandLine cl) {
    return CliSupport.intList(cl, "batches", "1,16", 1, 4096);
  }

  private static int max(int[] v) {
    return Arrays.stream(v).max().orElse(1);
  }

  /** --model values, each checked to exist. */
  static List<Path> models(CommandLine cl) {
    List<Path> models = new ArrayList<>();
    for (String m : cl.getOptionValues(CommonOptions.MODEL)) {
      models.add(Path.of(m));
    }
    return existing(models);
  }

  private static List<Path> existing(List<Path> models) {
    for (Path m : models) {
      if (!Files.isRegularFile(m)) {
        throw new LanterneException("model file " + m + " does not exist; check the --model path");
      }
    }
    return models;
  }

  /** The shared pretrained and torchvision models, or the demo model when there are none. */
  static List<Path> defaultForwardModels(Path shared) {
    List<Path> models = new ArrayList<>();
    for (String m : List.of("mobilenetv2-1.0-224-qdq.onnx", "torchvision/resnet18.onnx")) {
      if (Files.isRegularFile(shared.resolve("models").resolve(m))) {
        models.add(shared.resolve("models").resolve(m));
      }
    }
    if (models.isEmpty()) {
      models.add(CliSupport.demoModel());
    }
    return models;
  }
}
