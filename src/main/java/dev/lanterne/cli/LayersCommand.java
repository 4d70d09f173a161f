package dev.lanterne.cli;

import dev.lanterne.grad.GradientCompiler;
import dev.lanterne.grad.LayerFinder;
import dev.lanterne.onnx.OnnxModels;
import java.util.Arrays;
import java.util.stream.Collectors;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;

/** `lanterne layers`: the spatial activations that can serve as Grad-CAM layers, default marked. */
public final class LayersCommand implements Command {
  @Override
  public String name() {
    return "layers";
  }

  @Override
  public String summary() {
    return "list the layers usable for Grad-CAM (tensor, operator, shape); * marks the default";
  }

  @Override
  public Options options() {
    return CommonOptions.model(new Options());
  }

  @Override
  public int run(CommandLine cl) {
    GradientCompiler.Prepared p = GradientCompiler.prepare(OnnxModels.load(CompileCommand.modelPath(cl)));
    String dflt = p.defaultLayer();
    for (LayerFinder.Layer l : p.layers()) {
      String shape = Arrays.stream(l.shape()).skip(1).mapToObj(Long::toString).collect(Collectors.joining("x"));
      System.out.printf("%s %-20s %-12s %s%n", l.tensor().equals(dflt) ? "*" : " ", shape, l.op(), l.tensor());
    }
    return 0;
  }
}
