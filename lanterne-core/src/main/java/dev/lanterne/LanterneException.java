package dev.lanterne;

/**
 * A failure the user can act on: its message is one line that says what is wrong and what to do.
 * The CLI prints only the message (no stack trace unless --verbose) and exits with {@link #exitCode()}.
 */
public class LanterneException extends RuntimeException {
  /** Exit code for usage errors (bad flags, bad values). */
  public static final int USAGE = 2;
  /** Exit code for failures (unreadable files, models that cannot run). */
  public static final int FAILURE = 1;

  private final int exitCode;

  public LanterneException(String message) {
    this(message, FAILURE, null);
  }

  public LanterneException(String message, Throwable cause) {
    this(message, FAILURE, cause);
  }

  public LanterneException(String message, int exitCode, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  public static LanterneException usage(String message) {
    return new LanterneException(message, USAGE, null);
  }

  public int exitCode() {
    return exitCode;
  }
}
