package dev.lanterne.cli;

import dev.lanterne.LanterneException;
import dev.lanterne.explain.Attribution;
import dev.lanterne.explain.Explanation;
import dev.lanterne.explain.ExplanationWriter;
import dev.lanterne.explain.Images;
import dev.lanterne.explain.LanternModel;
import dev.lanterne.explain.Setting;
import dev.lanterne.explain.Settings;
import dev.lanterne.explain.Target;
import dev.lanterne.grad.FiniteDifferenceGradient;
import dev.lanterne.methods.MethodInfo;
import dev.lanterne.methods.Methods;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/**
 * What the explanation commands (saliency, gradcam, explain, rise, occlusion) share: the display
 * flags, the method settings as flags, and one run: options checked, output folder checked, model
 * opened, methods called through the library's one interface, results written.
 */
final class ExplainSupport {
  static final Methods METHODS = Methods.standard();
  static final String GRADIENT = "gradient";
  static final String RAW = "raw";

  private ExplainSupport() {}

  /** The shared flags plus the display flags and --raw. */
  static Options standardOptions() {
    Options o = CommonOptions.standard(true);
    CommonOptions.display(o);
    o.addOption(Option.builder().longOpt(RAW).desc("also write the raw signed attribution [3,H,W] as .npy").build());
    return o;
  }

  /** --gradient graph|finite-difference. */
  static void gradientFlag(Options o) {
    o.addOption(Option.builder().longOpt(GRADIENT).hasArg().argName("KIND")
        .desc("graph (default: the compiled gradient graph) or finite-difference (black box, for models the"
            + " compiler cannot differentiate; not for CAMs or guided backpropagation)").build());
  }

  /** The settings of these methods as flags. */
  static Options settingFlags(Options o, List<MethodInfo> methods) {
    return SettingFlags.add(o, settings(methods));
  }

  static List<Setting<?>> settings(List<MethodInfo> methods) {
    Map<String, Setting<?>> all = new LinkedHashMap<>();
    for (MethodInfo m : methods) {
      for (Setting<?> s : m.settings()) {
        all.putIfAbsent(s.name(), s);
      }
    }
    return List.copyOf(all.values());
  }

  /** A run's model, inputs and output folder; closes the model. */
  record Job(LanternModel model, LanternModel gradientModel, Images images, Path out, long seed)
      implements AutoCloseable {
    @Override
    public void close() {
      if (gradientModel != model) {
        gradientModel.close();
      }
      model.close();
    }
  }

  /**
   * Checks the methods' settings and the output folder, then opens the model and reads the inputs.
   *
   * @return the job and the settings, ready to run
   */
  static Job start(CommandLine cl, List<MethodInfo> methods, Settings[] settingsOut) {
    long seed = CliSupport.seed(cl);
    Settings settings = SettingFlags.read(cl, settings(methods), seed);
    for (MethodInfo m : methods) {
      m.check(settings);
    }
    boolean fd = "finite-difference".equals(CliSupport.choice(cl, GRADIENT, "graph", "graph", "finite-difference"));
    for (MethodInfo m : methods) {
      if (fd && m.family().equals("cam")) {
        throw LanterneException.usage(m.name() + " needs the gradient at an inner layer, which only the compiled"
            + " graph gives; --gradient finite-difference estimates the input gradient only");
      }
    }
    Path out = CliSupport.outDir(cl, null);
    LanternModel model = CliSupport.openModel(cl);
    try {
      Images images = CliSupport.inputs(cl, model.description());
      LanternModel gradient = fd ? model.withFiniteDifferences(new FiniteDifferenceGradient.Options(
          FiniteDifferenceGradient.Options.DEFAULT.directions(), FiniteDifferenceGradient.Options.DEFAULT.sigma(),
          seed)) : model;
      settingsOut[0] = settings;
      return new Job(model, gradient, images, out, seed);
    } catch (RuntimeException e) {
      model.close();
      throw e;
    }
  }

  /** Runs the methods on every image for the --class target; maps ordered by image, then method. */
  static List<Explanation> explain(CommandLine cl, Job job, List<MethodInfo> methods, Settings settings) {
    dev.lanterne.explain.Target target = CliSupport.target(cl);
    List<Explanation> all = new ArrayList<>();
    int[][] classes = null;
    for (MethodInfo m : methods) {
      Attribution a = m.open(m.family().equals("gradient") ? job.gradientModel() : job.model(), settings);
      if (classes == null && target.predictedOnly() && (a instanceof dev.lanterne.explain.gradient.CamLayers
          || a instanceof dev.lanterne.explain.gradient.CamMethod)) {
        // a CAM finds the predicted class in its own pass; the other methods explain the classes it found
        List<Explanation> first = a.attribute(job.images(), target);
        classes = new int[job.images().size()][];
        for (Explanation e : first) {
          classes[e.image()] = new int[] {e.classIndex()};
        }
        all.addAll(first);
        continue;
      }
      if (classes == null) {
        classes = target.resolve(job.model(), job.images());
      }
      all.addAll(a.attribute(job.images(), classes));
    }
    all.sort(Comparator.comparingInt(Explanation::image));
    return all;
  }

  /** Writes overlays, maps, explanations.json and the grid, and prints one line per map. */
  static void write(CommandLine cl, Job job, List<Explanation> explanations) {
    ExplanationWriter.Options o = CliSupport.display(cl, explanations).withRaw(cl.hasOption(RAW));
    ExplanationWriter.Written w = new ExplanationWriter(job.out(), o).write(job.images().names(),
        job.images().shown(), explanations);
    report(job.out(), job.images().names(), explanations, w);
  }

  /**
   * The lines every explanation command prints: one per map (image, method, class, label, score,
   * probability, the overlay written), then what was written where.
   */
  static void report(Path out, List<String> names, List<Explanation> explanations, ExplanationWriter.Written w) {
    for (int i = 0; i < explanations.size(); i++) {
      Explanation e = explanations.get(i);
      System.out.printf(Locale.ROOT, "%s  %-20s %4d %-24s score %.4g  p %.4f%s  -> %s%n", names.get(e.image()),
          e.method(), e.classIndex(), e.label(), e.score(), e.probability(), gap(e.details()),
          w.files().get(i).overlay());
    }
    System.out.println("wrote " + explanations.size() + " maps, " + out.relativize(w.json())
        + (w.grid() != null ? " and " + out.relativize(w.grid()) : "") + " to " + CliSupport.shown(out));
  }

  private static String gap(Map<String, Object> details) {
    if (details == null || !details.containsKey("completenessGap")) {
      return "";
    }
    return String.format(Locale.ROOT, "  completeness gap %.3g (%.2g relative)", details.get("completenessGap"),
        details.get("relativeGap"));
  }

  /** One method by name, as a list. */
  static List<MethodInfo> one(String name) {
    return List.of(METHODS.get(name));
  }

  /** Refuses an option that does not apply to the chosen method. */
  static void refuse(CommandLine cl, String option, String why) {
    if (cl.hasOption(option)) {
      throw LanterneException.usage("--" + option + " " + why);
    }
  }

  /**
   * What a command can do when the model cannot be differentiated: the finite-difference fallback that
   * this command actually has, or the commands that need no compiled gradient.
   */
  static String withoutCompiledGradient(String command) {
    String others = "'lanterne occlusion' and 'lanterne rise' need no gradient, and 'lanterne saliency"
        + " --gradient finite-difference' estimates one";
    return switch (command) {
      case "saliency" -> "rerun with --gradient finite-difference (a black-box estimate, slower)";
      case "explain" -> "rerun with --gradient finite-difference for the gradient methods (Grad-CAM methods need"
          + " the compiled graph), or use " + others.substring(0, others.indexOf(", and"));
      case "invert", "dream" -> "rerun with --gradient fd (finite differences, slower)";
      case "gradcam" -> "Grad-CAM needs the compiled graph; " + others;
      default -> others;
    };
  }
}
