package dev.lanterne.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lanterne.LanterneException;
import dev.lanterne.onnx.Graphs;
import dev.lanterne.onnx.proto.Onnx;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Per-operator totals from an ONNX Runtime profile (the JSON trace written by a session created with
 * profiling enabled): kernel time by operator type, split into the derived graph's forward part and
 * its backward part.
 *
 * <p>The split is by data flow in the graph as ONNX Runtime optimised it, not by node names alone:
 * ONNX Runtime adds nodes of its own (NCHWc reorders, transposes it moves, fused kernels) whose names
 * say nothing of the part they serve. The forward part is what the scores need: the nodes they
 * depend on. Everything else is the backward part, including the reorders of forward tensors that
 * only the backward reads, which are a cost of the backward.
 */
public final class OrtProfile {
  /** Total kernel time of one operator type in one part of the graph. */
  public record OpTotal(String part, String op, double ms, long count) {}

  private final Map<String, OpTotal> totals;
  private final int calls;
  /** Wall time of the session runs (ONNX Runtime's model_run events), all calls together. */
  private final double runMs;

  private OrtProfile(Map<String, OpTotal> totals, int calls, double runMs) {
    this.totals = totals;
    this.calls = calls;
    this.runMs = runMs;
  }

  /**
   * The names of the nodes of an optimised graph that the forward outputs depend on: every graph
   * output not named in backwardOutputs, and the nodes computing them, transitively.
   */
  public static Set<String> forwardNodes(Onnx.GraphProto optimised, Set<String> backwardOutputs) {
    List<String> forwardOutputs = optimised.getOutputList().stream().map(Onnx.ValueInfoProto::getName)
        .filter(o -> !backwardOutputs.contains(o)).toList();
    Set<String> forward = new HashSet<>();
    Graphs.computing(optimised.getNodeList(), forwardOutputs).forEach(n -> forward.add(n.getName()));
    return forward;
  }

  /**
   * Reads a trace; nodes whose name starts with backwardPrefix count as the backward part (for traces
   * without their optimised graph). Times are divided by calls, the number of session runs the trace
   * covers after the first warmupRuns, which are left out.
   */
  public static OrtProfile read(Path trace, String backwardPrefix, int calls, int warmupRuns) {
    return read(trace, name -> !name.startsWith(backwardPrefix), calls, warmupRuns);
  }

  /**
   * Reads a trace; the nodes that inForward accepts (by name) count as the forward part. The first
   * warmupRuns session runs (ONNX Runtime's model_run events, in time order) and the kernels inside
   * them are left out: a fresh session's first runs allocate its memory arena and plan its memory
   * (mobilenet_v3_small's saliency graph at batch 16: 590 ms for each of the first two runs, 57-83 ms
   * for the next four, nearly all of it kernel time).
   */
  public static OrtProfile read(Path trace, Predicate<String> inForward, int calls, int warmupRuns) {
    JsonNode events;
    try {
      events = new ObjectMapper().readTree(trace.toFile());
    } catch (IOException e) {
      throw new LanterneException("cannot read ONNX Runtime's profile " + trace + " (" + e.getMessage() + ")", e);
    }
    List<double[]> runs = new ArrayList<>();
    for (JsonNode ev : events) {
      if (isRun(ev)) {
        runs.add(new double[] {ev.path("ts").asDouble(), ev.path("ts").asDouble() + ev.path("dur").asDouble()});
      }
    }
    runs.sort(Comparator.comparingDouble(r -> r[0]));
    List<double[]> skipped = runs.subList(0, Math.min(warmupRuns, runs.size()));
    Map<String, OpTotal> totals = new LinkedHashMap<>();
    double runMs = 0;
    for (JsonNode ev : events) {
      double ts = ev.path("ts").asDouble();
      if (skipped.stream().anyMatch(r -> ts >= r[0] && ts <= r[1])) {
        continue;
      }
      if (isRun(ev)) {
        runMs += ev.path("dur").asDouble() / 1e3;
        continue;
      }
      if (!"Node".equals(ev.path("cat").asText()) || !ev.path("name").asText().endsWith("_kernel_time")) {
        continue;
      }
      String event = ev.path("name").asText();
      String name = event.substring(0, event.length() - "_kernel_time".length());
      String op = ev.path("args").path("op_name").asText("?");
      String part = inForward.test(name) ? "forward" : "backward";
      double ms = ev.path("dur").asDouble() / 1e3;
      totals.merge(part + "/" + op, new OpTotal(part, op, ms, 1),
          (a, b) -> new OpTotal(a.part(), a.op(), a.ms() + b.ms(), a.count() + b.count()));
    }
    return new OrtProfile(totals, Math.max(1, calls), runMs);
  }

  private static boolean isRun(JsonNode ev) {
    return "Session".equals(ev.path("cat").asText()) && "model_run".equals(ev.path("name").asText());
  }

  /** Milliseconds per call spent in one part ("forward" or "backward"). */
  public double partMs(String part) {
    return totals.values().stream().filter(t -> t.part().equals(part)).mapToDouble(OpTotal::ms).sum() / calls;
  }

  /** The operator types of one part, most expensive first, with times per call. */
  public List<OpTotal> top(String part, int n) {
    List<OpTotal> list = new ArrayList<>();
    for (OpTotal t : totals.values()) {
      if (t.part().equals(part)) {
        list.add(new OpTotal(t.part(), t.op(), t.ms() / calls, t.count() / calls));
      }
    }
    list.sort(Comparator.comparingDouble(OpTotal::ms).reversed());
    return list.subList(0, Math.min(n, list.size()));
  }

  /** Prints the top operators of the forward and the backward part side by side. */
  public void print(PrintStream out, int n) {
    double fwd = partMs("forward");
    double bwd = partMs("backward");
    out.printf(Locale.ROOT, "  kernel time per call: forward part %.1f ms, backward part %.1f ms (%.2fx)%n", fwd, bwd,
        bwd / Math.max(1e-9, fwd));
    if (runMs > 0) {
      // what the kernels do not account for: the executor between nodes (allocation, thread-pool hand-offs)
      double run = runMs / calls;
      out.printf(Locale.ROOT, "  session run per call: %.1f ms, of which %.1f ms outside the kernels%n", run,
          run - fwd - bwd);
    }
    List<OpTotal> f = top("forward", n);
    List<OpTotal> b = top("backward", n);
    out.printf(Locale.ROOT, "  %-24s %9s %6s %5s   %-24s %9s %6s %5s%n", "forward op", "ms/call", "share", "nodes",
        "backward op", "ms/call", "share", "nodes");
    for (int i = 0; i < Math.max(f.size(), b.size()); i++) {
      String left = i < f.size() ? row(f.get(i), fwd) : String.format("%-24s %9s %6s %5s", "", "", "", "");
      String right = i < b.size() ? row(b.get(i), bwd) : "";
      out.println("  " + left + "   " + right);
    }
  }

  private static String row(OpTotal t, double partTotal) {
    return String.format(Locale.ROOT, "%-24s %9.2f %5.1f%% %5d", t.op(), t.ms(), 100 * t.ms() / Math.max(1e-9, partTotal),
        t.count());
  }
}
