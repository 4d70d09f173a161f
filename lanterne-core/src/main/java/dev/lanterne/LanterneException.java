package dev.lanterne;

/**
 * A failure the user can act on: its message is one line that says what is wrong and what to do, in the
 * library's terms (never a command-line flag). When the problem is one option's value, {@link #setting()}
 * names that option ("layer", "device"), so the command line can point at its flag ({@code --layer}).
 */
public class LanterneException extends RuntimeException {
  /** Exit code for usage errors (bad flags, bad values). */
  public static final int USAGE = 2;
  /** Exit code for failures (unreadable files, models that cannot run). */
  public static final int FAILURE = 1;

  private final int exitCode;
  private final String setting;

  /** A failure ({@link #FAILURE}) with a one-line message. */
  public LanterneException(String message) {
    this(message, FAILURE, null);
  }

  /** A failure ({@link #FAILURE}) with a one-line message and the exception that caused it. */
  public LanterneException(String message, Throwable cause) {
    this(message, FAILURE, cause);
  }

  /** A problem with the given exit code ({@link #USAGE} or {@link #FAILURE}); the cause may be null. */
  public LanterneException(String message, int exitCode, Throwable cause) {
    this(message, exitCode, cause, null);
  }

  /**
   * A problem with one option's value.
   *
   * @param setting the option's name as the CLI spells it without dashes ("layer"), or null
   */
  public LanterneException(String message, int exitCode, Throwable cause, String setting) {
    super(message, cause);
    this.exitCode = exitCode;
    this.setting = setting;
  }

  /** A usage error ({@link #USAGE}): a bad value or combination of values. */
  public static LanterneException usage(String message) {
    return new LanterneException(message, USAGE, null);
  }

  /** A usage error in one option's value; {@code setting} is the option's name ("device"). */
  public static LanterneException usage(String setting, String message) {
    return new LanterneException(message, USAGE, null, setting);
  }

  /** The process exit code: {@link #USAGE} (2) or {@link #FAILURE} (1). */
  public int exitCode() {
    return exitCode;
  }

  /** The option whose value is wrong ("layer"), or null when the problem is not one option's. */
  public String setting() {
    return setting;
  }
}
