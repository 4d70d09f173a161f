package dev.lanterne.cli;

import dev.lanterne.LanterneException;
import dev.lanterne.explain.Explanation;
import dev.lanterne.metrics.BaselineMaps;
import dev.lanterne.metrics.Evaluation;
import dev.lanterne.onnx.proto.Onnx;
import dev.lanterne.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;

/**
 * The explanation methods `lanterne evaluate` (and the lab) can run, by name. Each entry adds its
 * own options (e.g. RISE's --masks) to the command and opens the method on a model, so the same
 * entry serves the scores on the original model and the sanity check on randomised copies.
 */
public final class MethodRegistry {
  /**
   * What a method needs: the command line (its options), the model description, the seed, and the
   * original model (methods may cache what they derive from it, but not from randomised copies).
   */
  public record Context(CommandLine cl, CliSupport.ModelSpec model, long seed, Onnx.ModelProto original) {}

  /**
   * One method.
   *
   * @param name the word used in --methods
   * @param summary one line for the help
   * @param options adds the method's own options (none already present are added twice)
   * @param factory opens the method for a run
   */
  public record Entry(String name, String summary, Consumer<Options> options,
      BiFunction<Context, int[], Evaluation.MethodFactory> factory) {
    /** The factory for a run; chw is {channels, height, width} of the model input. */
    public Evaluation.MethodFactory open(Context ctx, int[] chw) {
      return factory.apply(ctx, chw);
    }
  }

  private final Map<String, Entry> entries = new LinkedHashMap<>();

  /** Every method this build knows: the model-independent baselines, and the methods merged so far. */
  public static MethodRegistry standard() {
    MethodRegistry r = new MethodRegistry();
    r.add(baseline("random", "uniform noise, seeded (a faithful method must beat it)",
        (ctx, chw, image, idx, c) -> BaselineMaps.random(chw[1], chw[2], mix(ctx.seed(), idx, c))));
    r.add(baseline("center", "a Gaussian bump at the centre (photographers' bias)",
        (ctx, chw, image, idx, c) -> BaselineMaps.center(chw[1], chw[2])));
    r.add(baseline("edges", "image gradient magnitude, ignores the model (fails the sanity check)",
        (ctx, chw, image, idx, c) -> BaselineMaps.edges(image, chw[0], chw[1], chw[2])));
    GradientMethods.addAll(r);
    r.add(PerturbationMethods.rise());
    r.add(PerturbationMethods.occlusion());
    return r;
  }

  public MethodRegistry add(Entry e) {
    entries.put(e.name(), e);
    return this;
  }

  public List<String> names() {
    return List.copyOf(entries.keySet());
  }

  public List<Entry> entries() {
    return List.copyOf(entries.values());
  }

  /** Adds every method's options to o, skipping those already there (shared flags such as --batch). */
  public Options addOptions(Options o) {
    for (Entry e : entries.values()) {
      Options mine = new Options();
      e.options().accept(mine);
      mine.getOptions().forEach(opt -> {
        if (!o.hasLongOption(opt.getLongOpt())) {
          o.addOption(opt);
        }
      });
    }
    return o;
  }

  /** The entries named in a comma-separated list, in its order, duplicates dropped. */
  public List<Entry> parse(String list) {
    List<Entry> out = new ArrayList<>();
    for (String t : list.split(",")) {
      String name = t.strip().toLowerCase(Locale.ROOT);
      if (name.isEmpty()) {
        continue;
      }
      Entry e = entries.get(name);
      if (e == null) {
        throw LanterneException.usage("unknown method '" + name + "'; available: " + String.join(", ", names()));
      }
      if (!out.contains(e)) {
        out.add(e);
      }
    }
    if (out.isEmpty()) {
      throw LanterneException.usage("--methods is empty; pass some of: " + String.join(", ", names()));
    }
    return out;
  }

  /** A map computed from the image alone. */
  @FunctionalInterface
  interface BaselineMap {
    float[] map(Context ctx, int[] chw, float[] image, int imageIndex, int classIndex);
  }

  static Entry baseline(String name, String summary, BaselineMap map) {
    return new Entry(name, summary, o -> { }, (ctx, chw) -> model -> (image, classes, imageIndex) -> {
      List<Explanation> out = new ArrayList<>();
      for (int c : classes) {
        Tensor t = new Tensor(map.map(ctx, chw, image, imageIndex, c), new int[] {chw[1], chw[2]});
        out.add(new Explanation(imageIndex, name, c, ctx.model().labels().get(c), Float.NaN, Float.NaN, t, null,
            Map.of()));
      }
      return out;
    });
  }

  private static long mix(long seed, int image, int c) {
    return seed * 0x9E3779B97F4A7C15L + image * 1_000_003L + c;
  }
}
