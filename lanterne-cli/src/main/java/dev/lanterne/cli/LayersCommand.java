package dev.lanterne.cli;

import dev.lanterne.grad.GradientCompiler;
import dev.lanterne.grad.LayerFinder;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;

/**
 * `lanterne layers`: the spatial activations that can serve as Grad-CAM layers, with the index and
 * short name that --layer accepts, the shape, the layout Lanterne recognised (NCHW, NHWC, tokens) and
 * the default marked; then the attention maps a transformer has (what rollout reads).
 */
public final class LayersCommand implements Command {
  @Override
  public String name() {
    return "layers";
  }

  @Override
  public String summary() {
    return "list the layers usable for Grad-CAM (index, shape, layout, name); * marks the default";
  }

  @Override
  public Options options() {
    return CommonOptions.model(new Options());
  }

  @Override
  public int run(CommandLine cl) {
    GradientCompiler.Prepared p = GradientCompiler.prepare(CliSupport.loadAdapted(cl, CompileCommand.modelPath(cl)));
    String dflt = p.defaultLayer();
    List<LayerFinder.Layer> layers = p.layers();
    int width = layers.stream().mapToInt(l -> l.shortName().length()).max().orElse(10);
    String row = "%s %4s %-16s %-14s %-20s %-" + width + "s %s%n";
    System.out.printf(row, " ", "#", "shape", "layout", "op", "short name", "tensor");
    for (int i = 0; i < layers.size(); i++) {
      LayerFinder.Layer l = layers.get(i);
      String shape = Arrays.stream(l.shape()).skip(1).mapToObj(Long::toString).collect(Collectors.joining("x"));
      System.out.printf(row, l.tensor().equals(dflt) ? "*" : " ", i, shape, l.layout().describe(), l.op(),
          l.shortName(), l.tensor());
    }
    List<LayerFinder.Attention> attention = p.attentionMaps();
    if (!attention.isEmpty()) {
      System.out.println(attention.size() + " attention maps (" + attention.get(0).heads() + " heads, "
          + attention.get(0).tokens() + " tokens) for lanterne rollout");
    }
    System.out.println("(* marks the default layer; --layer takes a tensor name, an index (#) or a unique part of a name)");
    return 0;
  }
}
