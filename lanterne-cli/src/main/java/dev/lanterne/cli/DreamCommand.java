package dev.lanterne.cli;

import dev.lanterne.console.Progress;

import dev.lanterne.explain.ModelDescription;

import dev.lanterne.LanterneException;
import dev.lanterne.explain.inversion.AscentTrace;
import dev.lanterne.explain.inversion.DeepDream;
import dev.lanterne.explain.inversion.InversionOptions;
import dev.lanterne.explain.inversion.InversionOutputs;
import dev.lanterne.explain.inversion.LayerObjective;
import dev.lanterne.runtime.Classifier;
import dev.lanterne.runtime.InversionModel;
import java.nio.file.Path;
import java.util.ArrayList;
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
    ModelDescription spec = CliSupport.model(cl);
    Path out = CliSupport.outDir(cl, null);
    DeepDream.Options d = DeepDream.Options.defaults();
    InversionOptions ascent = InvertCommand.ascentOptions(cl, d.ascent()).withStart(InversionOptions.Start.IMAGE);
    DeepDream.Options o = new DeepDream.Options(CliSupport.intOption(cl, "octaves", d.octaves(), 1, 12),
        CliSupport.doubleOption(cl, "octave-scale", d.octaveScale(), 1, 4), ascent);
    Path photoFile = Path.of(cl.getOptionValue(CommonOptions.IMAGE));
    dev.lanterne.image.Preprocessor.Prepared prepared = spec.preprocessor().prepare(photoFile);
    float[] photo = prepared.tensor();
    byte[] bytes = dev.lanterne.onnx.OnnxModels.readBytes(spec.path());
    String layer = cl.getOptionValue("layer");
    int classCount;
    float[] photoScores;
    try (Classifier plain = Classifier.open(bytes, spec.name(), spec.runtime())) {
      classCount = plain.numClasses();
      photoScores = plain.run(photo, 1);
    }
    if (layer != null) {
      bytes = LayerObjective.append(bytes, layer, spec.inputShape());
    }
    List<Integer> targets = new ArrayList<>();
    List<String> names = new ArrayList<>();
    if (cl.hasOption(CommonOptions.CLASS)) {
      for (int c : CliSupport.classes(cl, new float[classCount], 1, classCount, spec.labels())[0]) {
        targets.add(c);
        names.add(InversionOutputs.name(c, spec.labels()));
      }
    }
    if (layer != null) {
      targets.add(classCount);
      names.add("layer " + layer);
    }
    int[] t = targets.stream().mapToInt(Integer::intValue).toArray();
    AscentTrace trace;
    try (InversionModel model = InvertCommand.openInversion(cl, bytes, ascent.normalizeGradient(), spec);
        Progress bar = Progress.start("dream", (long) ascent.steps() * o.octaves(), "step")) {
      trace = DeepDream.run(model, spec.card(), photo, t, classCount, o, InvertCommand.progressListener(bar));
    }
    Map<String, Object> settings = InvertCommand.settings(ascent, spec);
    settings.put("image", photoFile.getFileName().toString());
    settings.put("octaves", o.octaves());
    settings.put("octaveScale", o.octaveScale());
    if (layer != null) {
      settings.put("layer", layer);
    }
    StringBuilder caption = new StringBuilder(photoFile.getFileName() + "\noriginal photo");
    for (int c : t) {
      if (c < classCount) {
        float p = spec.card().outputsProbabilities() ? photoScores[c]
            : dev.lanterne.tensor.Softmax.at(photoScores, 0, classCount, c);
        caption.append(String.format(Locale.ROOT, "\np(%d) = %.3f", c, p));
      }
    }
    InversionOutputs.write(out, trace, t, names, spec.card(), "dream", settings,
        new dev.lanterne.image.PanelGrid.Panel(prepared.shown(), caption.toString()));
    for (int i = 0; i < t.length; i++) {
      System.out.printf(Locale.ROOT, "%-32s objective %.3f -> %.3f%n", names.get(i), trace.objective()[i][0],
          trace.finalObjective(i));
    }
    System.out.println("wrote " + CliSupport.shown(out));
    return 0;
  }
}
