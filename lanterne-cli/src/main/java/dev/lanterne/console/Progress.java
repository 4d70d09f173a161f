package dev.lanterne.console;

import java.io.PrintStream;
import java.util.Locale;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Progress of a long task on stderr: a bar with rate and time left when stderr is a terminal, and
 * otherwise (logs, CI, pipes) one line when the task starts and one when it ends, so logs stay
 * readable. Close it (try-with-resources) when done. Not thread-safe: one task, one thread.
 */
public final class Progress implements AutoCloseable {
  private final ProgressBar bar;
  private final String task;
  private final String unit;
  private final long started = System.nanoTime();
  private long done;
  private long total;

  private Progress(ProgressBar bar, String task, long total, String unit) {
    this.bar = bar;
    this.task = task;
    this.total = total;
    this.unit = unit;
  }

  /** Starts a task of {@code total} units (negative: unknown). */
  public static Progress start(String task, long total, String unit) {
    if (System.console() != null) {
      ProgressBar bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(total)
          .setStyle(ProgressBarStyle.ASCII).setConsumer(new ConsoleProgressBarConsumer(System.err, 100))
          .setUnit(" " + unit, 1).showSpeed().setUpdateIntervalMillis(250).build();
      return new Progress(bar, task, total, unit);
    }
    PrintStream err = System.err;
    err.println("lanterne: " + task + ": started" + (total > 0 ? " (" + total + " " + unit + ")" : ""));
    return new Progress(null, task, total, unit);
  }

  /** One more unit done. */
  public void step() {
    stepTo(done + 1);
  }

  /** {@code n} units done in all. */
  public void stepTo(long n) {
    done = n;
    if (bar != null) {
      bar.stepTo(n);
    }
  }

  /** {@code n} more units done. */
  public void stepBy(long n) {
    stepTo(done + n);
  }

  /** Units done so far. */
  public long done() {
    return done;
  }

  /** The total (negative: unknown). */
  public long total() {
    return total;
  }

  /** A short status shown after the bar (e.g. the current objective); ignored in logs. */
  public void message(String text) {
    if (bar != null) {
      bar.setExtraMessage(text);
    }
  }

  /** A new estimate of the total. */
  public void maxHint(long n) {
    total = n;
    if (bar != null) {
      bar.maxHint(n);
    }
  }

  @Override
  public void close() {
    if (bar != null) {
      bar.close();
      return;
    }
    double s = (System.nanoTime() - started) / 1e9;
    System.err.println(String.format(Locale.ROOT, "lanterne: %s: done, %d %s in %.1f s", task, done, unit, s));
  }
}
