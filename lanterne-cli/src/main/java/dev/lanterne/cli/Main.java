package dev.lanterne.cli;

import dev.lanterne.LanterneException;
import dev.lanterne.grad.NotDifferentiableException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.HelpFormatter;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.ParseException;
import org.apache.commons.cli.UnrecognizedOptionException;

/** `lanterne COMMAND [options]`: dispatches to a {@link Command}; turns errors into one line and an exit code. */
public final class Main {
  private Main() {}

  /** Every command, in the order `lanterne --help` lists them. */
  static List<Command> commands() {
    List<Command> list = new ArrayList<>();
    list.add(new DemoCommand());
    list.add(new ClassifyCommand());
    list.add(new PreprocessCommand());
    list.add(new SaliencyCommand());
    list.add(new GradCamCommand());
    list.add(new RolloutCommand());
    list.add(new ExplainCommand());
    list.add(new RiseCommand());
    list.add(new OcclusionCommand());
    list.add(new InvertCommand());
    list.add(new DreamCommand());
    list.add(new EvaluateCommand());
    list.add(new BatchCommand());
    list.add(new LabCommand());
    list.add(new CompileCommand());
    list.add(new LayersCommand());
    list.add(new CheckCommand());
    list.add(new ConvertCommand());
    list.add(new FetchCommand());
    list.add(new BenchCommand());
    return list;
  }

  public static void main(String[] args) {
    System.setProperty("java.awt.headless", "true");
    int code = run(args);
    System.out.flush();
    System.exit(code);
  }

  /** Runs a command line and returns the exit code (0 ok, 1 failure, 2 usage error). */
  public static int run(String... args) {
    boolean verbose = Arrays.asList(args).contains("--verbose");
    Map<String, Command> byName = new LinkedHashMap<>();
    for (Command c : commands()) {
      byName.put(c.name(), c);
    }
    if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help")) {
      printHelp(byName);
      return args.length == 0 ? LanterneException.USAGE : 0;
    }
    if (args[0].equals("--version") || args[0].equals("version")) {
      System.out.println("lanterne " + version());
      return 0;
    }
    Command cmd = byName.get(args[0]);
    if (cmd == null) {
      System.err.println("lanterne: unknown command '" + args[0] + "'; run lanterne --help for the list");
      return LanterneException.USAGE;
    }
    String[] rest = Arrays.copyOfRange(args, 1, args.length);
    List<dev.lanterne.tensor.OutputFolder> outer = CliSupport.beginOutputs();
    try {
      // `lanterne bench gradients --help` is the benchmark's own help: the selected tool prints it
      boolean toolHelp = cmd instanceof PassesArguments && rest.length > 0 && !rest[0].startsWith("-");
      if (!toolHelp && (Arrays.asList(rest).contains("--help") || Arrays.asList(rest).contains("-h"))) {
        printCommandHelp(cmd);
        return 0;
      }
      // a command that hands its arguments on stops parsing at its first word (lanterne bench rise --steps 5)
      CommandLine cl = parse(cmd, rest);
      int code = cmd.run(cl);
      CliSupport.commitOutputs();
      return code;
    } catch (UnrecognizedOptionException e) {
      System.err.println("lanterne " + cmd.name() + ": unknown option " + e.getOption() + "; see lanterne "
          + cmd.name() + " --help");
      return LanterneException.USAGE;
    } catch (ParseException e) {
      System.err.println("lanterne " + cmd.name() + ": " + oneLine(e.getMessage()) + "; see lanterne " + cmd.name()
          + " --help");
      return LanterneException.USAGE;
    } catch (NotDifferentiableException e) {
      System.err.println("lanterne " + cmd.name() + ": error: " + oneLine(e.getMessage()) + "; "
          + ExplainSupport.withoutCompiledGradient(cmd.name()));
      if (verbose) {
        e.printStackTrace();
      }
      return e.exitCode();
    } catch (LanterneException e) {
      System.err.println("lanterne " + cmd.name() + ": error: " + oneLine(CliSupport.describe(e)));
      if (verbose) {
        e.printStackTrace();
      }
      return e.exitCode();
    } catch (OutOfMemoryError e) {
      System.err.println("lanterne " + cmd.name() + ": error: out of memory; use a smaller --batch or give Java more"
          + " memory (e.g. JAVA_OPTS=-Xmx8g)");
      return LanterneException.FAILURE;
    } catch (Exception | Error e) {
      System.err.println("lanterne " + cmd.name() + ": internal error: " + oneLine(String.valueOf(e))
          + (verbose ? "" : " (run with --verbose for details)"));
      if (verbose) {
        e.printStackTrace();
      }
      return LanterneException.FAILURE;
    } finally {
      CliSupport.endOutputs(outer);
    }
  }

  /**
   * Parses a command's arguments with the rules every command shares: an unknown option is a usage
   * error wherever it stands (also after an option that takes several values, such as --image, which
   * would otherwise take it as a file name); an option that takes one value may be given once; a
   * positional argument is refused unless the command takes arguments.
   */
  static CommandLine parse(Command cmd, String[] args) throws ParseException {
    // a command that hands its arguments on stops parsing at its first word (lanterne bench rise --steps 5)
    CommandLine cl = new DefaultParser().parse(cmd.options(), args, cmd instanceof PassesArguments);
    for (Option o : cl.getOptions()) {
      for (String v : o.getValuesList()) {
        if (looksLikeOption(v)) {
          throw new UnrecognizedOptionException("unknown option " + v, v);
        }
      }
    }
    Map<String, Integer> seen = new LinkedHashMap<>();
    for (Option o : cl.getOptions()) {
      String name = o.getLongOpt() != null ? o.getLongOpt() : o.getOpt();
      if (o.hasArg() && !o.hasArgs() && seen.merge(name, 1, Integer::sum) > 1) {
        throw LanterneException.usage("--" + name + " is given more than once; pass it once");
      }
    }
    if (!cl.getArgList().isEmpty() && !(cmd instanceof PassesArguments)) {
      String first = cl.getArgList().get(0);
      if (looksLikeOption(first)) {
        throw new UnrecognizedOptionException("unknown option " + first, first);
      }
      if (!acceptsArguments(cmd)) {
        throw LanterneException.usage("unexpected argument '" + first
            + "'; options start with --, see lanterne " + cmd.name() + " --help");
      }
    }
    return cl;
  }

  /** "--name" or "-x", but not a negative number such as -1 or -0.5. */
  static boolean looksLikeOption(String token) {
    if (token == null || token.length() < 2 || token.charAt(0) != '-') {
      return false;
    }
    return !token.substring(1).matches("[0-9.][0-9.eE+-]*");
  }

  /** Commands that take positional arguments (e.g. `lanterne fetch NAME`) implement this marker. */
  public interface TakesArguments {}

  /** Commands whose first word selects a tool that parses the remaining arguments itself. */
  public interface PassesArguments extends TakesArguments {}

  private static boolean acceptsArguments(Command c) {
    return c instanceof TakesArguments;
  }

  static String oneLine(String s) {
    if (s == null) {
      return "unknown error";
    }
    String t = s.strip().replaceAll("\\s*\\n\\s*", " ");
    return t.length() > 500 ? t.substring(0, 500) + "..." : t;
  }

  public static String version() {
    String v = Main.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }

  private static void printHelp(Map<String, Command> byName) {
    StringBuilder sb = new StringBuilder();
    sb.append("Lanterne ").append(version()).append(": explains ONNX image classifiers.\n\n");
    sb.append("usage: lanterne COMMAND [options]    (lanterne COMMAND --help for its options)\n\ncommands:\n");
    for (Command c : byName.values()) {
      sb.append(String.format("  %-12s %s%n", c.name(), c.summary()));
    }
    sb.append("\nshared options: --model --card/--preprocess --image/--tensor --class --out --seed --device --verbose\n");
    System.out.print(sb);
  }

  private static void printCommandHelp(Command cmd) {
    HelpFormatter f = new HelpFormatter();
    f.setWidth(110);
    f.setOptionComparator(null);
    PrintWriter pw = new PrintWriter(System.out);
    f.printHelp(pw, 110, "lanterne " + cmd.name() + " [options]", cmd.summary(), cmd.options(), 2, 2, "", false);
    pw.flush();
  }
}
