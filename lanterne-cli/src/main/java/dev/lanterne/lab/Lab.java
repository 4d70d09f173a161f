package dev.lanterne.lab;

import dev.lanterne.LanterneException;
import dev.lanterne.console.Progress;
import dev.lanterne.tensor.AtomicFiles;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The course's experiments as one reproducible report: runs each experiment into its folder under
 * the results and writes results/README.md with every figure, table and comment, and the time
 * each part took.
 */
public final class Lab {
  /** The README's file name. */
  public static final String README = "README.md";

  /** What a run produced: the README sections and how long each experiment took. */
  public record Report(List<String> files, Map<String, Double> seconds, Map<String, Double> partSeconds,
      double totalSeconds) {}

  private final LabSettings settings;
  private final Path shared;
  private final Path out;
  private final PrintStream log;
  private final boolean progressBars;
  private java.util.Set<String> only = java.util.Set.of();

  /**
   * @param quick the reduced run (CI) instead of the full one
   * @param shared the shared data folder (models/ and images/)
   * @param out the results folder
   * @param log where timing lines go (--verbose), or null
   * @param progressBars whether to draw progress bars on stderr
   */
  public Lab(boolean quick, long seed, Path shared, Path out, PrintStream log, boolean progressBars) {
    this.settings = quick ? LabSettings.quick(seed) : LabSettings.full(seed);
    this.shared = shared;
    this.out = out;
    this.log = log;
    this.progressBars = progressBars;
  }

  /** The experiments' ids, in the order a full run makes them. */
  public static List<String> experimentIds() {
    return experiments().stream().map(Experiment::id).toList();
  }

  /**
   * Runs only the named experiments (empty: all), for re-making one part of the report; an unknown id
   * is a usage error that lists the ids.
   */
  public Lab only(java.util.Collection<String> ids) {
    for (String id : ids) {
      if (!experimentIds().contains(id)) {
        throw LanterneException.usage("only", "unknown experiment '" + id + "'; use "
            + String.join(", ", experimentIds()));
      }
    }
    this.only = java.util.Set.copyOf(ids);
    return this;
  }

  /**
   * Copies the folders of the experiments this run does not re-make from an earlier results folder
   * into this run's folder (when they differ), so that a run of some parts writes a complete set.
   */
  public Lab keepParts(Path previous) {
    if (previous.toAbsolutePath().normalize().equals(out.toAbsolutePath().normalize())) {
      return this;
    }
    for (String id : experimentIds()) {
      Path from = previous.resolve(id);
      if (only.contains(id) || !Files.isDirectory(from)) {
        continue;
      }
      try (Stream<Path> files = Files.walk(from)) {
        for (Path f : (Iterable<Path>) files::iterator) {
          Path to = out.resolve(id).resolve(from.relativize(f).toString());
          if (Files.isDirectory(f)) {
            Files.createDirectories(to);
          } else {
            Files.copy(f, to, StandardCopyOption.REPLACE_EXISTING);
          }
        }
      } catch (IOException e) {
        throw new LanterneException("cannot copy the results of " + id + " from " + previous + " ("
            + e.getMessage() + "); re-make every part instead", e);
      }
    }
    return this;
  }

  static List<Experiment> experiments() {
    return List.of(new InversionExperiment(), new FeatureVisualizationExperiment(), new SaliencyExperiment(), new RiseExperiment(),
        new SummaryExperiment());
  }

  public Report run() {
    long start = System.nanoTime();
    List<Section> sections = new ArrayList<>();
    Map<String, Double> seconds = new LinkedHashMap<>();
    List<String> files = new ArrayList<>();
    Map<String, Double> parts;
    try (LabContext ctx = LabContext.open(settings, shared, out, log)) {
      AtomicFiles.prepareOutputDir(out);
      parts = new LinkedHashMap<>();
      for (Experiment e : experiments()) {
        if (!only.isEmpty() && !only.contains(e.id())) {
          // a part not re-made keeps the section (and timings) an earlier run of the same settings stored
          StoredSection.read(out, e.id(), settings).ifPresent(st -> {
            sections.add(st.section());
            seconds.put(e.id(), st.seconds());
            st.parts().forEach((k, v) -> parts.merge(k, v, Double::sum));
          });
          continue;
        }
        Map<String, Double> before = ctx.partSeconds();
        long t0 = System.nanoTime();
        Section section = runOne(e, ctx);
        double s = (System.nanoTime() - t0) / 1e9;
        Map<String, Double> own = new LinkedHashMap<>();
        ctx.partSeconds().forEach((k, v) -> {
          double d = v - before.getOrDefault(k, 0.0);
          if (d > 0) {
            own.put(k, d);
          }
        });
        StoredSection.write(out, e.id(), settings, section, s, own);
        sections.add(section);
        seconds.put(e.id(), s);
        own.forEach((k, v) -> parts.merge(k, v, Double::sum));
        ctx.verbose("%s: %.1f s", e.id(), s);
      }
    }
    // loading the models in this run, plus every experiment's time (stored ones included)
    double ran = seconds.entrySet().stream().filter(e -> only.isEmpty() || only.contains(e.getKey()))
        .mapToDouble(Map.Entry::getValue).sum();
    double total = (System.nanoTime() - start) / 1e9 - ran
        + seconds.values().stream().mapToDouble(Double::doubleValue).sum();
    for (Section s : sections) {
      files.addAll(s.figures());
    }
    String readme = readme(sections, seconds, parts, total);
    AtomicFiles.write(out.resolve(README), readme.getBytes(StandardCharsets.UTF_8));
    files.add(README);
    return new Report(files, seconds, parts, total);
  }

  private Section runOne(Experiment e, LabContext ctx) {
    if (!progressBars) {
      return e.run(ctx, Experiment.Progress.NONE);
    }
    try (Progress bar = Progress.start(e.id(), e.units(settings), "steps")) {
      Section s = e.run(ctx, bar::stepBy);
      bar.stepTo(Math.max(bar.done(), bar.total()));
      return s;
    }
  }

  private String readme(List<Section> sections, Map<String, Double> seconds, Map<String, Double> parts,
      double total) {
    StringBuilder b = new StringBuilder("# Lanterne: the course's experiments\n\n");
    b.append("Generated by `lanterne lab").append(settings.quick() ? " --quick" : "").append(" --seed ")
        .append(settings.seed()).append("` from the committed code; every number below comes from that run."
            + " Models: `mobilenetv2-1.0-224-qdq.onnx` (the main model, MobileNetV2 1.0, quantized) and"
            + " `mobilenetv1-0.25-128.onnx` (MobileNetV1 0.25 at 128x128), from the shared data folder. Photos:"
            + " cat.png, coffee.png, astronaut.png, rocket.jpg (scikit-image data, CC0 / public domain). Each"
            + " experiment's folder holds its figures, its tables as CSV and JSON, and `params.json` with the"
            + " settings and seeds of the run.\n\n");
    if (settings.quick()) {
      b.append("**This is a quick run** (few steps, masks and samples): the figures and tables exist, but the"
          + " numbers are not meaningful.\n\n");
    }
    for (Section s : sections) {
      b.append(s.markdown());
    }
    // one timing table at the end: the experiments, then where the time went across them
    b.append("## Timings\n\nWall-clock seconds on this machine's CPU (shared with other work while the lab ran)."
        + " Explanation times are as measured by the evaluation; deletion/insertion scoring is the rest of each"
        + " evaluation; the sanity check includes compiling the gradient graphs of every randomised model.\n\n");
    b.append("| what | time (s) |\n|---|---:|\n");
    for (Map.Entry<String, Double> e : seconds.entrySet()) {
      b.append(String.format(Locale.ROOT, "| experiment: %s | %.0f |%n", e.getKey(), e.getValue()));
    }
    b.append(String.format(Locale.ROOT, "| **total** (with loading the models) | %.0f |%n", total));
    parts.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed())
        .forEach(e -> b.append(String.format(Locale.ROOT, "| part: %s | %.0f |%n", e.getKey(), e.getValue())));
    b.append('\n');
    return b.toString();
  }
}
