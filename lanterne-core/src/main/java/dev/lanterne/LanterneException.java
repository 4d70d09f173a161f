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

  /** A failure (exit code {@link #FAILURE}). */
  public LanterneException(String message) {
    this(message, FAILURE, null);
  }

  /** A failure (exit code {@link #FAILURE}) caused by another exception. */
  public LanterneException(String message, Throwable cause) {
    this(message, FAILURE, cause);
  }

  /**
   * A failure with a chosen exit code.
   *
   * @param exitCode {@link #USAGE} or {@link #FAILURE}
   * @param cause the underlying exception, or null
   */
  public LanterneException(String message, int exitCode, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  /**
   * A usage error (exit code {@link #USAGE}): a bad option or value, which the user fixes by changing the
   * call.
   */
  public static LanterneException usage(String message) {
    return new LanterneException(message, USAGE, null);
  }

  /** The process exit code the CLI uses for this failure: {@link #USAGE} or {@link #FAILURE}. */
  public int exitCode() {
    return exitCode;
  }
}
