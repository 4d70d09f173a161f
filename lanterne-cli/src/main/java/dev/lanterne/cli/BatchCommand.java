package dev.lanterne.cli;

import dev.lanterne.batch.BatchConfig;
import dev.lanterne.batch.BatchInput;
import dev.lanterne.batch.BatchListener;
import dev.lanterne.batch.BatchRunner;
import dev.lanterne.batch.DemoImages;
import dev.lanterne.batch.ShardWorker;
import dev.lanterne.explain.LanternModel;
import dev.lanterne.explain.Setting;
import dev.lanterne.explain.Settings;
import dev.lanterne.metrics.PointingGame;
import dev.lanterne.metrics.Substrate;
import dev.lanterne.methods.MethodInfo;
import dev.lanterne.methods.Methods;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import me.tongfei.progressbar.ProgressBar;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/**
 * `lanterne batch`: explains and scores every image of a folder, list or CSV manifest into a
 * resumable run folder (see {@link BatchRunner}). Exit code: 0 when every image was explained,
 * 2 + the number of failed images (capped at 102) when some could not be, 1 on failure, 2 on usage.
 */
public final class BatchCommand implements Command {
  private final Methods methods = Methods.standard();

  @Override
  public String name() {
    return "batch";
  }

  @Override
  public String summary() {
    return "explain and score a whole image set into a resumable run folder (maps, metrics.csv, summary.md)";
  }

  @Override
  public Options options() {
    Options o = CommonOptions.model(new Options());
    o.addOption(Option.builder().longOpt("input").hasArg().argName("PATH").required()
        .desc("a folder of images (recursive), a list file (one path per line) or a CSV manifest"
            + " (path, optional label, optional boxes 'x0 y0 x1 y1; ...' in model input pixels)").build());
    o.addOption(Option.builder().longOpt("demo-images").hasArg().argName("N")
        .desc("first write N generated demo pictures (64x64, with labels and boxes) into the --input folder, unless"
            + " it has them already").build());
    CommonOptions.out(o, true);
    o.addOption(Option.builder().longOpt("methods").hasArg().argName("LIST")
        .desc("comma-separated methods (default gradcam): " + String.join(",", methods.names())).build());
    o.addOption(Option.builder().longOpt(CommonOptions.CLASS).hasArgs().argName("C...")
        .desc("classes to explain: predicted (default), topK, indices, labels, or 'label' (the manifest's)").build());
    CommonOptions.seed(o);
    o.addOption(Option.builder().longOpt("no-curves").desc("skip deletion/insertion AUC (maps only)").build());
    o.addOption(Option.builder().longOpt("step").hasArg().argName("PIXELS")
        .desc("deletion/insertion: pixels changed per step (default H*W/224)").build());
    o.addOption(Option.builder().longOpt("deletion-substrate").hasArg().argName("S")
        .desc("what deleted pixels become: black (default), gray, mean, blur").build());
    o.addOption(Option.builder().longOpt("insertion-substrate").hasArg().argName("S")
        .desc("what insertion starts from: blur (default), black, gray, mean").build());
    o.addOption(Option.builder().longOpt("tolerance").hasArg().argName("PIXELS")
        .desc("pointing-game tolerance (default 15)").build());
    o.addOption(Option.builder().longOpt("shard").hasArg().argName("N")
        .desc("images per shard, the unit of resumption (default " + BatchConfig.DEFAULT_SHARD + ")").build());
    o.addOption(Option.builder().longOpt("png").desc("also write PNG overlays under png/METHOD/").build());
    o.addOption(Option.builder().longOpt("decode-threads").hasArg().argName("N")
        .desc("threads decoding images while the model runs (default 2)").build());
    for (Setting<?> s : methods.settings()) {
      if (!o.hasLongOption(s.name())) {
        Option.Builder b = Option.builder().longOpt(s.name()).desc(s.help());
        if (s.hasValue()) {
          b.hasArg().argName(s.argName());
        }
        o.addOption(b.build());
      }
    }
    return o;
  }

  /** The run's settings from the flags, checked before any model is opened. */
  BatchConfig config(CommandLine cl) {
    List<MethodInfo> infos = methods.parse(cl.getOptionValue("methods", "gradcam"));
    Map<String, String> values = new LinkedHashMap<>();
    for (Setting<?> s : methods.settings()) {
      if (cl.hasOption(s.name())) {
        values.put(s.name(), s.hasValue() ? cl.getOptionValue(s.name()) : "true");
      }
    }
    Settings settings = Settings.of(values, CliSupport.seed(cl));
    List<String> target = cl.hasOption(CommonOptions.CLASS) ? List.of(cl.getOptionValues(CommonOptions.CLASS))
        : List.of("predicted");
    BatchConfig config = new BatchConfig(infos.stream().map(MethodInfo::name).toList(), settings, target,
        !cl.hasOption("no-curves"), CliSupport.intOption(cl, "step", 0, 1, Integer.MAX_VALUE),
        Substrate.parse(cl.getOptionValue("deletion-substrate", "black")),
        Substrate.parse(cl.getOptionValue("insertion-substrate", "blur")),
        CliSupport.intOption(cl, "tolerance", PointingGame.TORCHRAY_TOLERANCE, 0, 10_000),
        CliSupport.intOption(cl, "shard", BatchConfig.DEFAULT_SHARD, 1, 1_000_000),
        CliSupport.runtime(cl).maxBatch(), cl.hasOption("png"));
    config.check();
    return config;
  }

  @Override
  public int run(CommandLine cl) {
    BatchConfig config = config(cl);
    Path input = Path.of(cl.getOptionValue("input"));
    if (cl.hasOption("demo-images")) {
      int n = CliSupport.intOption(cl, "demo-images", 200, 1, 1_000_000);
      Path manifest = input.resolve("manifest.csv");
      if (!java.nio.file.Files.isRegularFile(manifest) || BatchInput.read(manifest).size() != n) {
        DemoImages.write(input, n, 0);
      }
      input = manifest;
    }
    List<BatchInput> inputs = BatchInput.read(input);
    Path out = Path.of(cl.getOptionValue(CommonOptions.OUT));
    int decode = CliSupport.intOption(cl, "decode-threads", 2, 1, 256);
    boolean terminal = System.console() != null;
    ProgressBar[] bar = new ProgressBar[1];
    BatchListener listener = new BatchListener() {
      @Override
      public void started(int total, int todo) {
        if (terminal && todo > 0) {
          bar[0] = new me.tongfei.progressbar.ProgressBarBuilder().setTaskName("batch").setInitialMax(todo)
              .setStyle(me.tongfei.progressbar.ProgressBarStyle.ASCII)
              .setConsumer(new me.tongfei.progressbar.ConsoleProgressBarConsumer(System.err)).setUnit(" img", 1)
              .showSpeed().setUpdateIntervalMillis(250).build();
        }
      }

      @Override
      public void imageDone(int index, boolean ok) {
        if (bar[0] != null) {
          bar[0].step();
        }
      }

      @Override
      public void stage(String line) {
        if (bar[0] == null) {
          System.err.println("lanterne batch: " + line);
        }
      }
    };
    BatchRunner.Result r;
    try (LanternModel model = openModel(cl)) {
      r = BatchRunner.run(model, config, inputs, out,
          ShardWorker.Options.DEFAULTS.withDecodeThreads(decode).withListener(listener));
    } finally {
      if (bar[0] != null) {
        bar[0].close();
      }
    }
    System.out.printf(java.util.Locale.ROOT, "%d images (%d explained now, %.1f images/s), %d failed; wrote %s%n",
        r.images(), r.computed(), r.imagesPerSecond(), r.failed(), out.resolve("summary.md"));
    if (r.failed() > 0) {
      System.err.println("lanterne batch: " + r.failed() + " image(s) could not be explained; see "
          + out.resolve("errors.csv"));
      return Math.min(2 + r.failed(), 102);
    }
    return 0;
  }

  /** The model the flags name (default: the demo model), opened once for the whole run. */
  static LanternModel openModel(CommandLine cl) {
    Path path = cl.hasOption(CommonOptions.MODEL) ? Path.of(cl.getOptionValue(CommonOptions.MODEL))
        : LanternModel.demoModelFile();
    LanternModel.Builder b = LanternModel.builder(path).runtime(CliSupport.runtime(cl));
    if (cl.hasOption(CommonOptions.CARD)) {
      b.cardFile(Path.of(cl.getOptionValue(CommonOptions.CARD)));
    }
    if (cl.hasOption(CommonOptions.PREPROCESS)) {
      b.preset(cl.getOptionValue(CommonOptions.PREPROCESS));
    }
    if (cl.hasOption(CommonOptions.LABELS)) {
      b.labels(Path.of(cl.getOptionValue(CommonOptions.LABELS)));
    }
    return b.open();
  }
}
