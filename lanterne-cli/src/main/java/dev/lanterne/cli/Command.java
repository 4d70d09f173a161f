package dev.lanterne.cli;

import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;

/**
 * One subcommand of the CLI. Commands stay thin: they parse options with {@link CommonOptions},
 * call the library, and write outputs.
 */
public interface Command {
  /** The word after `lanterne`, e.g. "classify". */
  String name();

  /** One line for `lanterne --help`. */
  String summary();

  /** This command's options; add the shared ones with {@link CommonOptions}. */
  Options options();

  /**
   * Runs the command. Throw {@link dev.lanterne.LanterneException} for errors the user can fix.
   *
   * @return the exit code
   */
  int run(CommandLine cl) throws Exception;
}
