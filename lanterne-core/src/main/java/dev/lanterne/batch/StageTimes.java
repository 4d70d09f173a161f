package dev.lanterne.batch;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.LongAdder;

/**
 * Wall time spent per stage of a batch run (manifest, decoding, model passes, writing, summary),
 * summed over calls and threads, so a benchmark can show where a run's time goes. Thread-safe.
 */
public final class StageTimes {
  private final Map<String, LongAdder> nanos = new ConcurrentHashMap<>();
  private final ConcurrentLinkedQueue<String> order = new ConcurrentLinkedQueue<>();

  /** Adds the time since {@code startNanos} (a {@link System#nanoTime()} reading) to a stage. */
  public void since(String stage, long startNanos) {
    add(stage, System.nanoTime() - startNanos);
  }

  /** Adds nanoseconds to a stage. */
  public void add(String stage, long elapsedNanos) {
    nanos.computeIfAbsent(stage, s -> {
      order.add(s);
      return new LongAdder();
    }).add(elapsedNanos);
  }

  /** Seconds spent in a stage so far (0 when it never ran). */
  public double seconds(String stage) {
    LongAdder a = nanos.get(stage);
    return a == null ? 0 : a.sum() / 1e9;
  }

  /** One line per stage, in the order stages first ran: "INDENTstage  12.345 s". */
  public String report(String indent) {
    StringBuilder sb = new StringBuilder();
    for (String s : order) {
      sb.append(String.format(Locale.ROOT, "%s%-34s %8.3f s%n", indent, s, seconds(s)));
    }
    return sb.toString();
  }
}
