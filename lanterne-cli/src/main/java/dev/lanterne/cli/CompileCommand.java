package dev.lanterne.cli;

import dev.lanterne.grad.GradientCompiler;
import dev.lanterne.grad.GradientOptions;
import dev.lanterne.grad.Gradients;
import dev.lanterne.grad.Variant;
import dev.lanterne.tensor.AtomicFiles;
import java.nio.file.Path;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/** `lanterne compile`: writes the saliency, Grad-CAM and inversion-step graphs of a model. */
public final class CompileCommand implements Command {
  @Override
  public String name() {
    return "compile";
  }

  @Override
  public String summary() {
    return "write the model's gradient graphs (saliency, Grad-CAM, inversion step) as ONNX files";
  }

  @Override
  public Options options() {
    Options o = CommonOptions.model(new Options());
    CommonOptions.out(o, true);
    gradientOptions(o);
    return o;
  }

  /** --layer, --variant, --no-normalize: shared by the commands that compile gradient graphs. */
  static Options gradientOptions(Options o) {
    o.addOption(Option.builder().longOpt("layer").hasArg().argName("NAME")
        .desc("Grad-CAM layer: tensor name, index or unique part of a name from 'lanterne layers' (default: the"
            + " last spatial map before the head)")
        .build());
    o.addOption(Option.builder().longOpt("variant").hasArg().argName("V")
        .desc("backward pass through ReLU: standard (default), guided or deconvnet").build());
    o.addOption(Option.builder().longOpt("no-normalize")
        .desc("inversion step uses the raw gradient, not the gradient over its mean absolute value").build());
    return o;
  }

  static GradientOptions gradientOptions(CommandLine cl) {
    return new GradientOptions(Variant.parse(cl.getOptionValue("variant")), cl.getOptionValue("layer"),
        !cl.hasOption("no-normalize"));
  }

  static Path modelPath(CommandLine cl) {
    return cl.hasOption(CommonOptions.MODEL) ? Path.of(cl.getOptionValue(CommonOptions.MODEL)) : CliSupport.demoModel();
  }

  @Override
  public int run(CommandLine cl) {
    Path model = modelPath(cl);
    Path out = CliSupport.outDir(cl, null);
    GradientCompiler.Graphs graphs = Gradients.graphs(CliSupport.loadAdapted(cl, model), gradientOptions(cl));
    String stem = CliSupport.stem(model.getFileName().toString());
    write(out.resolve(stem + ".saliency.onnx"), graphs.saliency().toByteArray());
    write(out.resolve(stem + ".gradcam.onnx"), graphs.gradcam().toByteArray());
    write(out.resolve(stem + ".inversion.onnx"), graphs.inversion().toByteArray());
    System.out.println("Grad-CAM layer: " + graphs.layer());
    return 0;
  }

  private static void write(Path file, byte[] bytes) {
    AtomicFiles.write(file, bytes);
    System.out.println("wrote " + CliSupport.shown(file));
  }
}
