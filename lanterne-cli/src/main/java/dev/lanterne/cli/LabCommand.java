package dev.lanterne.cli;

import dev.lanterne.lab.Lab;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Arrays;
import java.util.List;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/** `lanterne lab`: regenerates results/ (the course's experiments: figures, tables, README). */
public final class LabCommand implements Command {
  @Override
  public String name() {
    return "lab";
  }

  @Override
  public String summary() {
    return "run the course's experiments and write results/ (figures, tables, README); --quick for a short run"
        + " (to " + QUICK_OUT + ")";
  }

  /** Where a --quick run writes without --out: outside the committed results/, which a full run makes. */
  static final String QUICK_OUT = "lanterne-out/lab-quick";

  static String defaultOut(boolean quick) {
    return quick ? QUICK_OUT : "results";
  }

  @Override
  public Options options() {
    Options o = new Options();
    o.addOption(Option.builder().longOpt("quick").desc("a reduced run (few steps and masks), as CI runs it").build());
    o.addOption(Option.builder().longOpt(CommonOptions.OUT).hasArg().argName("DIR")
        .desc("output folder (default: results, the committed results, for a full run; " + QUICK_OUT
            + " for --quick)").build());
    o.addOption(Option.builder().longOpt("shared").hasArg().argName("DIR")
        .desc("the shared data folder with models/ and images/ (default ../shared)").build());
    CommonOptions.seed(o);
    o.addOption(Option.builder().longOpt("only").hasArgs().valueSeparator(',').argName("IDS")
        .desc("run only these experiments (" + String.join(", ", Lab.experimentIds()) + "), e.g. to remake one part")
        .build());
    o.addOption(Option.builder().longOpt(CommonOptions.VERBOSE).desc("print the time of each part").build());
    return o;
  }

  @Override
  public int run(CommandLine cl) {
    Path shared = Path.of(cl.getOptionValue("shared", "../shared"));
    // the folder is checked for writing before any long work; the run is swapped in when it completes
    Path out = CliSupport.outDir(cl, defaultOut(cl.hasOption("quick")));
    boolean verbose = cl.hasOption(CommonOptions.VERBOSE);
    String[] only = cl.getOptionValues("only");
    Lab lab = new Lab(cl.hasOption("quick"), CliSupport.seed(cl), shared, out, verbose ? System.err : null, true)
        .only(only == null ? List.of() : Arrays.asList(only));
    if (only != null) {
      // the run replaces the whole folder when it completes: the parts not re-made come along unchanged
      lab.keepParts(Path.of(cl.getOptionValue(CommonOptions.OUT, defaultOut(cl.hasOption("quick")))));
    }
    Lab.Report r = lab.run();
    for (Map.Entry<String, Double> e : r.seconds().entrySet()) {
      System.out.printf(Locale.ROOT, "%-10s %7.1f s%n", e.getKey(), e.getValue());
    }
    r.partSeconds().entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed()).limit(8)
        .forEach(e -> System.out.printf(Locale.ROOT, "  %-40s %7.1f s%n", e.getKey(), e.getValue()));
    System.out.printf(Locale.ROOT, "wrote %s (%d figures) in %.1f s%n", CliSupport.shown(out.resolve(Lab.README)),
        r.files().size() - 1, r.totalSeconds());
    return 0;
  }
}
