package dev.lanterne.cli;

import dev.lanterne.lab.Lab;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
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
    return "run the course's experiments and write results/ (figures, tables, README); --quick for a short run";
  }

  @Override
  public Options options() {
    Options o = new Options();
    o.addOption(Option.builder().longOpt("quick").desc("a reduced run (few steps and masks), as CI runs it").build());
    CommonOptions.out(o, false);
    o.addOption(Option.builder().longOpt("shared").hasArg().argName("DIR")
        .desc("the shared data folder with models/ and images/ (default ../shared)").build());
    CommonOptions.seed(o);
    o.addOption(Option.builder().longOpt(CommonOptions.VERBOSE).desc("print the time of each part").build());
    return o;
  }

  @Override
  public int run(CommandLine cl) {
    Path shared = Path.of(cl.getOptionValue("shared", "../shared"));
    // the folder is checked for writing before any long work; the run is swapped in when it completes
    Path out = CliSupport.outDir(cl, "results");
    boolean verbose = cl.hasOption(CommonOptions.VERBOSE);
    Lab.Report r = new Lab(cl.hasOption("quick"), CliSupport.seed(cl), shared, out, verbose ? System.err : null,
        true).run();
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
