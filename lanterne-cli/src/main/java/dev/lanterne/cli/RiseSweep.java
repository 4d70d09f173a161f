package dev.lanterne.cli;

import dev.lanterne.console.Progress;
import dev.lanterne.explain.Images;
import dev.lanterne.explain.ModelDescription;

import dev.lanterne.explain.Explanation;
import dev.lanterne.explain.ExplanationWriter;
import dev.lanterne.explain.perturbation.BlackBox;
import dev.lanterne.explain.perturbation.Fill;
import dev.lanterne.explain.perturbation.MaskType;
import dev.lanterne.explain.perturbation.Rise;
import dev.lanterne.explain.perturbation.RiseOptions;
import dev.lanterne.metrics.DeletionInsertion;
import dev.lanterne.runtime.Classifier;
import dev.lanterne.tensor.AtomicFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.cli.CommandLine;

/**
 * `lanterne rise` with lists (--masks 100,500,2000 --grid 4,8,16 --mask-type binary,grid --fill
 * black,blur): every combination, in that order, on every image and class. Each setting's maps
 * are scored by deletion and insertion AUC (black deletion, blurred insertion, as evaluate), and
 * written as one figure (grid.png: the image, then one titled panel per setting), the maps as
 * .npy, explanations.json, and sweep.csv with one row per image, class and setting.
 */
final class RiseSweep {
  static final String CSV = "sweep.csv";

  private RiseSweep() {}

  /** Every combination of the list flags, the other options as {@code base}. */
  static List<RiseOptions> settings(CommandLine cl, RiseOptions base) {
    List<Integer> masks = CliSupport.intList(cl, "masks", base.masks(), 1, 10_000_000);
    List<Integer> grids = CliSupport.intList(cl, "grid", base.grid(), 1, 1024);
    List<MaskType> types = CliSupport.wordList(cl, "mask-type", base.maskType().cliName()).stream()
        .map(MaskType::parse).toList();
    List<Fill> fills = CliSupport.wordList(cl, "fill", base.fill().name().toLowerCase(Locale.ROOT)).stream()
        .map(Fill::parse).toList();
    List<RiseOptions> out = new ArrayList<>();
    for (int n : masks) {
      for (int s : grids) {
        for (MaskType t : types) {
          for (Fill f : fills) {
            RiseOptions o = base.withMasks(n).withGrid(s).withMaskType(t).withFill(f);
            if (base.untilStable()) {
              o = o.withUntilStable(base.tolerance(), base.checkEvery());
            }
            out.add(o);
          }
        }
      }
    }
    return out;
  }

  /** A setting's name in titles and the CSV: "N=500 s=8 binary black". */
  static String label(RiseOptions o) {
    return "N=" + o.masks() + " s=" + o.grid() + " " + o.maskType().cliName() + " "
        + o.fill().name().toLowerCase(Locale.ROOT);
  }

  static int run(CommandLine cl, ModelDescription spec, List<RiseOptions> settings) {
    Path out = CliSupport.outDir(cl, null);
    Images inputs = CliSupport.inputs(cl, spec);
    List<Explanation> all = new ArrayList<>();
    StringBuilder csv = new StringBuilder(
        "image,class,label,masks,masksUsed,grid,maskType,fill,seconds,deletionAuc,insertionAuc\n");
    try (Classifier classifier = spec.openClassifier()) {
      BlackBox model = BlackBox.of(classifier, spec.card(), spec.labels());
      float[] scores = classifier.run(inputs.tensor(), inputs.size());
      int[][] classes = CliSupport.classes(cl, scores, inputs.size(), classifier.numClasses(), spec.labels());
      DeletionInsertion curves = DeletionInsertion.of(classifier::run, spec.inputShape(), spec.card(),
          DeletionInsertion.Settings.DEFAULTS.withBatch(spec.runtime().maxBatch()));
      long total = 0;
      for (RiseOptions o : settings) {
        total += (long) o.masks() * inputs.size();
      }
      try (Progress bar = Progress.start("rise sweep (" + settings.size() + " settings)", total, "masks")) {
        long done = 0;
        for (RiseOptions o : settings) {
          Rise rise = new Rise(o);
          String name = "rise " + label(o);
          for (int i = 0; i < inputs.size(); i++) {
            float[] pixels = RiseCommand.Outputs.pixels(inputs.tensor(i), spec.card());
            long base = done;
            long t0 = System.nanoTime();
            List<Explanation> maps = rise.explain(model, pixels, classes[i], i, (d, t) -> bar.stepTo(base + d));
            double seconds = (System.nanoTime() - t0) / 1e9;
            done += o.masks();
            bar.stepTo(done);
            for (Explanation e : maps) {
              DeletionInsertion.Result r = curves.evaluate(inputs.tensor(i), e.map().data(), e.classIndex());
              Map<String, Object> details = new LinkedHashMap<>(e.details());
              details.put("deletionAuc", r.deletion().auc());
              details.put("insertionAuc", r.insertion().auc());
              all.add(new Explanation(e.image(), name, e.classIndex(), e.label(), e.score(), e.probability(), e.map(),
                  e.raw(), details));
              csv.append(String.format(Locale.ROOT, "%s,%d,%s,%d,%s,%d,%s,%s,%.4f,%.5f,%.5f%n",
                  csvField(inputs.names().get(i)), e.classIndex(), csvField(e.label()), o.masks(),
                  e.details().get("masks"), o.grid(), o.maskType().cliName(),
                  o.fill().name().toLowerCase(Locale.ROOT), seconds / maps.size(), r.deletion().auc(),
                  r.insertion().auc()));
            }
          }
        }
      }
    }
    new ExplanationWriter(out, CliSupport.display(cl, all)).write(inputs.names(), inputs.shown(), all);
    AtomicFiles.write(out.resolve(CSV), csv.toString().getBytes(StandardCharsets.UTF_8));
    System.out.print(csv);
    System.out.println("wrote " + all.size() + " maps (" + settings.size() + " settings), grid.png and " + CSV
        + " to " + CliSupport.shown(out));
    return 0;
  }

  private static String csvField(String s) {
    if (s == null) {
      return "";
    }
    return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
  }
}
