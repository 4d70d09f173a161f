package dev.lanterne.cli;

import dev.lanterne.console.Progress;

import dev.lanterne.explain.Images;
import dev.lanterne.explain.LanternModel;

import dev.lanterne.LanterneException;
import dev.lanterne.explain.inversion.AscentTrace;
import dev.lanterne.explain.inversion.DeepDream;
import dev.lanterne.explain.inversion.InversionOptions;
import dev.lanterne.explain.inversion.InversionOutputs;
import dev.lanterne.explain.inversion.InversionTarget;
import dev.lanterne.explain.inversion.LayerObjective;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/** `lanterne dream`: DeepDream on a photo, towards classes or a layer's activation energy, over octaves. */
public final class DreamCommand implements Command {
  @Override
  public String name() {
    return "dream";
  }

  @Override
  public String summary() {
    return "DeepDream: amplify in a photo what the model sees of a class (--class) or a layer (--layer)";
  }

  @Override
  public Options options() {
    DeepDream.Options d = DeepDream.Options.defaults();
    Options o = CommonOptions.model(new Options());
    o.addOption(Option.builder().longOpt(CommonOptions.IMAGE).hasArg().argName("FILE").desc("the photo to dream on")
        .build());
    CommonOptions.classes(o);
    CommonOptions.out(o, true);
    CommonOptions.seed(o);
    o.addOption(Option.builder().longOpt("layer").hasArg().argName("TENSOR")
        .desc("climb 0.5*||A||^2 of this layer's activation (classic DeepDream)").build());
    o.addOption(Option.builder().longOpt("octaves").hasArg().argName("N")
        .desc("number of scales, smallest first (default " + d.octaves() + ")").build());
    o.addOption(Option.builder().longOpt("octave-scale").hasArg().argName("F")
        .desc("size ratio between octaves (default " + d.octaveScale() + ")").build());
    InvertCommand.addAscentOptions(o, d.ascent());
    return o;
  }

  @Override
  public int run(CommandLine cl) throws Exception {
    if (!cl.hasOption(CommonOptions.IMAGE)) {
      throw LanterneException.usage("dream needs a photo: --image FILE");
    }
    if (!cl.hasOption(CommonOptions.CLASS) && !cl.hasOption("layer")) {
      throw LanterneException.usage("dream needs an objective: --class C (a class score) or --layer TENSOR");
    }
    DeepDream.Options d = DeepDream.Options.defaults();
    InversionOptions ascent = InvertCommand.ascentOptions(cl, d.ascent()).withStart(InversionOptions.Start.IMAGE);
    DeepDream.Options o = d.toBuilder().octaves(CliSupport.intOption(cl, "octaves", d.octaves(), 1, 12))
        .octaveScale(CliSupport.doubleOption(cl, "octave-scale", d.octaveScale(), 1, 4)).ascent(ascent).build();
    Path photoFile = Path.of(cl.getOptionValue(CommonOptions.IMAGE));
    String layer = cl.getOptionValue("layer");
    CliSupport.warnIfDemoModel(cl, List.of(photoFile));
    Path out = CliSupport.outDir(cl, null);
    try (LanternModel model = CliSupport.openModel(cl)) {
      int k = model.numClasses();
      Images photo = model.load(photoFile);
      int[] classes = cl.hasOption(CommonOptions.CLASS) ? CliSupport.classes(cl, new float[k], 1, k, model.labels())[0]
          : new int[0];
      InversionTarget target = new InversionTarget(classes, layer, LayerObjective.Unit.L2);
      LanternModel gradients = InvertCommand.gradientModel(cl, model, m -> new DeepDream(m, o).prepare(target));
      AscentTrace trace;
      try (Progress bar = Progress.start("dream", (long) ascent.steps() * o.octaves(), "step")) {
        trace = new DeepDream(gradients, o).dream(photo, target, InvertCommand.progressListener(bar));
      } finally {
        if (gradients != model) {
          gradients.close();
        }
      }
      Map<String, Object> settings = InvertCommand.settings(ascent, model);
      settings.put("image", photoFile.getFileName().toString());
      settings.put("octaves", o.octaves());
      settings.put("octaveScale", o.octaveScale());
      if (layer != null) {
        settings.put("layer", layer);
      }
      float[] before = model.probabilities(model.scores(photo.tensor(), 1), 1);
      StringBuilder caption = new StringBuilder(photoFile.getFileName() + "\noriginal photo");
      for (int c : classes) {
        caption.append(String.format(Locale.ROOT, "\np(%d) = %.3f", c, before[c]));
      }
      int[] columns = target.columns(k);
      List<String> names = dreamNames(target, model);
      InversionOutputs.write(out, trace, columns, names, model.card(), "dream", settings,
          new dev.lanterne.image.PanelGrid.Panel(photo.shown().get(0), caption.toString()));
      for (int i = 0; i < columns.length; i++) {
        System.out.printf(Locale.ROOT, "%-32s objective %.3f -> %.3f%n", names.get(i), trace.objective()[i][0],
            trace.finalObjective(i));
      }
    }
    System.out.println("wrote " + CliSupport.shown(out));
    return 0;
  }

  /** Class names, and "layer NAME" for the layer's energy (the only unit dream climbs). */
  private static List<String> dreamNames(InversionTarget target, LanternModel model) {
    List<String> names = new java.util.ArrayList<>(target.names(model.labels()));
    if (target.layer() != null) {
      names.set(names.size() - 1, "layer " + target.layer());
    }
    return names;
  }
}
