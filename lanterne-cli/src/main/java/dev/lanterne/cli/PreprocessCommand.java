package dev.lanterne.cli;

import dev.lanterne.explain.Images;

import dev.lanterne.explain.ModelDescription;

import dev.lanterne.LanterneException;
import dev.lanterne.tensor.Npy;
import dev.lanterne.tensor.Tensor;
import java.nio.file.Path;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/** `lanterne preprocess`: writes the exact input tensor the model gets, as .npy. */
public final class PreprocessCommand implements Command {
  @Override
  public String name() {
    return "preprocess";
  }

  @Override
  public String summary() {
    return "write the exact input tensor the model gets as .npy ([3,H,W], or [N,3,H,W] for several images)";
  }

  @Override
  public Options options() {
    Options o = CommonOptions.model(new Options());
    CommonOptions.inputs(o);
    o.addOption(Option.builder().longOpt(CommonOptions.OUT).hasArg().argName("FILE.npy").required()
        .desc("the .npy file to write (a file, not a folder): float32 [3,H,W], or [N,3,H,W] for several images").build());
    return o;
  }

  @Override
  public int run(CommandLine cl) {
    ModelDescription spec = CliSupport.model(cl);
    Images inputs = CliSupport.inputs(cl, spec);
    Path out = Path.of(cl.getOptionValue(CommonOptions.OUT));
    if (!out.getFileName().toString().endsWith(".npy")) {
      throw LanterneException.usage("--out must name a .npy file, got " + out);
    }
    int[] chw = spec.inputShape();
    Tensor t = inputs.size() == 1 ? new Tensor(inputs.tensor(0), chw)
        : new Tensor(inputs.tensor(), new int[] {inputs.size(), chw[0], chw[1], chw[2]});
    Npy.write(out, t);
    System.out.println("wrote " + out + " " + java.util.Arrays.toString(t.shape()));
    return 0;
  }
}
